// Runs the end-to-end suite against the production build in Debian's Chromium. Without a
// Chromium the suite may skip, loudly, only on a developer machine; under CI it must run. The
// registry it starts keeps its data in a PGlite folder, or, when a PostgreSQL server is given
// (TAHVIL_TEST_POSTGRES_URL, as CI gives one), on that server: CI runs the suite once, there.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { CHROME_EXECUTABLE_PATH as chromium } from './chromium.mjs';

if (!existsSync(chromium)) {
  const message = `Chromium not found at ${chromium}: install it with 'apt-get install chromium' or set CHROME_PATH.`;
  if (process.env.CI) {
    console.error(`END-TO-END TESTS CANNOT RUN. ${message}`);
    process.exit(1);
  }
  console.warn(`\n${'!'.repeat(78)}\n!! END-TO-END TESTS SKIPPED. ${message}\n${'!'.repeat(78)}\n`);
  process.exit(0);
}

process.env.TAHVIL_TEST_BACKEND ??= process.env.TAHVIL_TEST_POSTGRES_URL ? 'postgres' : 'pglite';
console.log(
  `end-to-end: the registry on ${process.env.TAHVIL_TEST_BACKEND === 'postgres' ? 'PostgreSQL' : 'PGlite'}`,
);

function run(command, args) {
  const result = spawnSync(command, args, { stdio: 'inherit', env: process.env });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

run('npx', ['vite', 'build', '--logLevel', 'warn']);
// A second build with another version label: the update test serves it to a page running the first.
process.env.TAHVIL_BUILD_ID = 'next-e2e';
run('npx', ['vite', 'build', '--logLevel', 'warn', '--outDir', 'dist-next']);
delete process.env.TAHVIL_BUILD_ID;
run('npx', ['playwright', 'test', ...process.argv.slice(2)]);
