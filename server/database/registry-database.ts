// Opens the registry's database where the command line says, migrated to this code's schema:
// a PostgreSQL server (--database-url), a PGlite folder (--data), or, for tests and throwaway
// demos, PGlite in memory. Must stay true: nothing reads or writes before the migrations ran; a
// new PGlite database (in memory, or a folder without one) starts from a migrated template,
// made once and kept in node_modules/.cache under a name made of PGlite's version and the
// migrations' text, so a fresh registry costs a copy (under 1 s), not an initdb (3–4 s).
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SqlDatabase } from './sql.ts';
import { openPglite, openPostgres } from './sql.ts';
import { migrate, readMigrations } from './migrate.ts';

export interface DatabaseChoice {
  /** A PostgreSQL connection URL; wins over `dataDir`. */
  databaseUrl?: string;
  /** PGlite's folder, created when missing. */
  dataDir?: string;
}

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const TEMPLATE_CACHE = join(ROOT, 'node_modules/.cache/tahvil-registry');

let template: Promise<Blob> | undefined;

/** The template's cache name: PGlite's version and every migration's text. */
function templateKey(): string {
  // The package's own manifest, found from its entry point (its exports do not list the file).
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  let folder = dirname(entry);
  while (!existsSync(join(folder, 'package.json'))) folder = dirname(folder);
  const { version } = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as {
    version: string;
  };
  const hash = createHash('sha256').update(version);
  for (const migration of readMigrations()) hash.update(`\0${migration.version}\0${migration.sql}`);
  return hash.digest('hex').slice(0, 16);
}

/** A migrated empty database, dumped: from the cache, else made now and cached. */
function migratedTemplate(): Promise<Blob> {
  template ??= (async () => {
    const cached = join(TEMPLATE_CACHE, `template-${templateKey()}.tar`);
    if (existsSync(cached)) return new Blob([readFileSync(cached)]);
    const db = await openPglite();
    let dump: Blob;
    try {
      await migrate(db);
      dump = await db.dumpDataDir();
    } finally {
      await db.close();
    }
    try {
      // Whole or not at all: written aside, then renamed into place.
      mkdirSync(TEMPLATE_CACHE, { recursive: true });
      const aside = `${cached}.${randomBytes(4).toString('hex')}`;
      writeFileSync(aside, Buffer.from(await dump.arrayBuffer()));
      renameSync(aside, cached);
    } catch {
      // A read-only checkout only loses the speed.
    }
    return dump;
  })();
  return template;
}

/** A folder PostgreSQL has made a database in holds PG_VERSION. */
function holdsDatabase(dataDir: string): boolean {
  return existsSync(join(dataDir, 'PG_VERSION'));
}

export async function openRegistryDatabase(choice: DatabaseChoice = {}): Promise<SqlDatabase> {
  if (choice.databaseUrl !== undefined) {
    const db = await openPostgres(choice.databaseUrl);
    return migrateOrClose(db);
  }
  if (choice.dataDir !== undefined)
    return migrateOrClose(
      await openPglite(
        choice.dataDir,
        holdsDatabase(choice.dataDir) ? undefined : await migratedTemplate(),
      ),
    );
  return migrateOrClose(await openPglite(undefined, await migratedTemplate()));
}

async function migrateOrClose(db: SqlDatabase): Promise<SqlDatabase> {
  try {
    await migrate(db);
    return db;
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
}

/** Every table of the registry's own, emptied: a --fresh start or a test's clean slate. */
export async function emptyRegistryDatabase(db: SqlDatabase): Promise<void> {
  await db.exec(`TRUNCATE centers, cards, accepted_events, staff, devices, enrolment_codes;
    ALTER SEQUENCE staff_versions RESTART`);
}
