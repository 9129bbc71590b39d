// The tests that start a registry, and the soak, with the registry on a real PostgreSQL server
// (TAHVIL_TEST_POSTGRES_URL; `.ci/run` starts one with scripts/postgres-cluster.sh). The
// end-to-end suite is not repeated here: given that server, `npm test` already ran it there
// (scripts/run-e2e.mjs). Without a server this may skip, loudly, only on a developer machine;
// under CI it must run.
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

if (!process.env.TAHVIL_TEST_POSTGRES_URL) {
  const message =
    'no PostgreSQL server: start one with `scripts/postgres-cluster.sh start` and set TAHVIL_TEST_POSTGRES_URL to the URL it prints.';
  if (process.env.CI) {
    console.error(`POSTGRESQL TESTS CANNOT RUN: ${message}`);
    process.exit(1);
  }
  console.warn(`\n${'!'.repeat(78)}\n!! POSTGRESQL TESTS SKIPPED: ${message}\n${'!'.repeat(78)}\n`);
  process.exit(0);
}

const env = { ...process.env, TAHVIL_TEST_BACKEND: 'postgres' };
function run(command, args) {
  const result = spawnSync(command, args, { stdio: 'inherit', env });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

// Every test that starts a registry: the protocol's, the store's, and the integration tests
// that reach one through server/test-helpers.ts (the others run in `npm test` only).
const integration = readdirSync('tests/integration')
  .filter((file) => /\.test\.tsx?$/.test(file))
  .map((file) => `tests/integration/${file}`)
  .filter((file) => readFileSync(file, 'utf8').includes('server/test-helpers'));
run('npx', ['vitest', 'run', 'server/', ...integration]);
run('npm', ['run', 'soak', '--', '--runs', '10']);
