import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';

const MOCK_ENDPOINT = process.env.TAHVIL_MOCK_URL ?? 'http://127.0.0.1:8787';

export default defineConfig({
  plugins: [
    react(),
    VitePWA({
      registerType: 'prompt',
      injectRegister: false,
      includeAssets: ['icons/*.svg', 'icons/*.png'],
      manifest: {
        name: 'تحویل — تحویل کارت ملی',
        short_name: 'تحویل',
        description: 'تحویل کارت هوشمند ملی در باجه، حتی بدون اینترنت',
        lang: 'fa',
        dir: 'rtl',
        display: 'standalone',
        start_url: '/',
        scope: '/',
        theme_color: '#0f5c4d',
        background_color: '#f5f3ee',
        icons: [{ src: '/icons/tahvil.svg', sizes: 'any', type: 'image/svg+xml' }],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,woff2,svg,png,webmanifest}'],
        navigateFallback: '/index.html',
        navigateFallbackDenylist: [/^\/api\//, /^\/__mock\//],
      },
    }),
  ],
  server: {
    proxy: { '/api': MOCK_ENDPOINT, '/__mock': MOCK_ENDPOINT },
  },
  build: { target: 'es2022', sourcemap: true },
});
