import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  define: { __TAHVIL_BUILD_ID__: JSON.stringify('test') },
  test: {
    environment: 'jsdom',
    setupFiles: ['./tests/setup.ts'],
    include: [
      'src/**/*.test.{ts,tsx}',
      'server/**/*.test.ts',
      'lint/**/*.test.ts',
      'tests/integration/**/*.test.{ts,tsx}',
      'tests/factories/**/*.test.ts',
    ],
    testTimeout: 20_000,
    // A registry's first database in a worker migrates its template (PGlite's initdb): seconds
    // on a busy machine, in a beforeAll.
    hookTimeout: 60_000,
    pool: 'threads',
  },
});
