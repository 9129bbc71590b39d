// Development: the mock registry on :8787 and Vite's dev server (which proxies /api and
// /__mock to it) side by side; Ctrl-C stops both.
import { spawn } from 'node:child_process';

const children = [
  spawn(
    'npx',
    [
      'tsx',
      'server/main.ts',
      '--port',
      '8787',
      '--data',
      'var/registry',
      '--import-from',
      'var/mock.json',
    ],
    {
      stdio: 'inherit',
    },
  ),
  spawn('npx', ['vite'], { stdio: 'inherit' }),
];
const stop = () => children.forEach((child) => child.kill('SIGTERM'));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
children.forEach((child) =>
  child.on('exit', (code) => {
    if (code) {
      stop();
      process.exitCode = code;
    }
  }),
);
