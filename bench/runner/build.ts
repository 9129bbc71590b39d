// Builds what the bench serves: the app with the repo's own vite.config.ts (only the output
// folder differs) and the bench page with bench/vite.config.ts, and notes which commit was
// built, since with --skip-build the code measured can be older than the checkout.
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { appOutDir, benchDir, buildInfoPath, repoRoot } from './paths.ts';
import { progress } from './progress.ts';

export interface BuildInfo {
  commit: string | null;
  builtAt: string;
}

export async function buildPages(): Promise<void> {
  const { build } = await import('vite');
  progress('building the app (vite build with the repo config, into dist-bench/app)…');
  // The repo's own production config; only the output folder differs, so the bench never
  // overwrites the dist/ that others serve or test against.
  await build({
    root: repoRoot,
    configFile: join(repoRoot, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir: appOutDir, emptyOutDir: true },
  });
  progress('building the bench page (bench/vite.config.ts, into dist-bench/page)…');
  await build({ configFile: join(benchDir, 'vite.config.ts'), logLevel: 'warn' });
  const info: BuildInfo = { commit: gitDescription(), builtAt: new Date().toISOString() };
  await writeFile(buildInfoPath, `${JSON.stringify(info)}\n`);
}

/** What was built: with --skip-build the code measured can be older than the checkout. */
export async function readBuildInfo(): Promise<BuildInfo | null> {
  try {
    return JSON.parse(await readFile(buildInfoPath, 'utf8')) as BuildInfo;
  } catch {
    return null;
  }
}

/** The commit checked out, and whether src/ differs from it. */
export function gitDescription(): string | null {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: repoRoot,
      encoding: 'utf8',
    }).trim();
    const dirty =
      execFileSync('git', ['status', '--porcelain', '--', 'src'], {
        cwd: repoRoot,
        encoding: 'utf8',
      }).trim() !== '';
    return dirty ? `${commit} (src/ has uncommitted changes)` : commit;
  } catch {
    return null;
  }
}
