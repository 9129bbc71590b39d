// Every file path the docs name exists, so a newcomer's one hop from a doc lands on a file.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const DOCS = [
  'README.md',
  'server/README.md',
  'bench/README.md',
  'docs/architecture.md',
  'docs/protocol.md',
  'docs/formats.md',
  ...fs.readdirSync(path.join(ROOT, 'docs/decisions')).map((name) => `docs/decisions/${name}`),
];
/** A repo path in backticks: `src/db/cards.ts`, `tests/e2e/`, `src/features/import`. */
const PATH_IN_BACKTICKS =
  /`((?:src|server|tests|bench|docs|scripts|lint|public)\/[A-Za-z0-9_.\-/[\]]*)`/g;

/** Folders of generated output (git-ignored): what the docs say lands there is not committed. */
const GENERATED = ['bench/results/'];

function exists(repoPath: string): boolean {
  if (GENERATED.some((folder) => repoPath.startsWith(folder))) return true;
  return fs.existsSync(path.join(ROOT, repoPath.replace(/\/$/, '')));
}

describe.each(DOCS)('%s', (doc) => {
  it('names only files and folders that exist', () => {
    const text = fs.readFileSync(path.join(ROOT, doc), 'utf8');
    const named = [...text.matchAll(PATH_IN_BACKTICKS)].map((match) => match[1]!);
    expect(named.filter((repoPath) => !exists(repoPath))).toEqual([]);
  });
});
