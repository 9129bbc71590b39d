// Build of the benchmark page (bench/index.html → dist-bench/page/). The page imports the app's
// real storage modules from ../src, so what is timed is the code that ships. It is served under
// /__bench/ from the same origin as the app build, so both see the same IndexedDB databases.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/__bench/',
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../dist-bench/page', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
  },
});
