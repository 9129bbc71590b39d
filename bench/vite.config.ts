// Build of the benchmark page (bench/index.html → dist-bench/page/). The page imports the app's
// real storage modules from ../src, so what is timed is the code that ships. It is served under
// /__bench/ from the same origin as the app build, so both see the same IndexedDB databases.
// keystroke-probe.ts is built beside it under a fixed name, for run.ts to inject into the app.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { KEYSTROKE_PROBE_FILE, pageOutDir } from './runner/paths.ts';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/__bench/',
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: pageOutDir,
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    rollupOptions: {
      input: {
        page: fileURLToPath(new URL('./index.html', import.meta.url)),
        probe: fileURLToPath(new URL('./keystroke-probe.ts', import.meta.url)),
      },
      output: {
        entryFileNames: (chunk) =>
          chunk.name === 'probe' ? KEYSTROKE_PROBE_FILE : 'assets/[name]-[hash].js',
      },
    },
  },
});
