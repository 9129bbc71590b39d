// Where the bench builds, serves from and writes: dist-bench/ (never the dist/ that others serve
// or test against) and bench/results/. bench/vite.config.ts builds the page to these paths too.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const benchDir = join(dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = join(benchDir, '..');
export const appOutDir = join(repoRoot, 'dist-bench', 'app');
export const pageOutDir = join(repoRoot, 'dist-bench', 'page');
/** The keystroke probe as bench/vite.config.ts builds it: a plain script for Playwright to inject. */
export const KEYSTROKE_PROBE_FILE = 'keystroke-probe.js';
export const keystrokeProbePath = join(pageOutDir, KEYSTROKE_PROBE_FILE);
export const buildInfoPath = join(repoRoot, 'dist-bench', 'build.json');
export const resultsPath = join(benchDir, 'results', 'latest.json');
