// Brings a registry database to the schema this code needs: the numbered files of
// migrations/ (NNN-name.sql), each applied once, in order, in its own transaction, and recorded
// in schema_migrations. Must stay true: a migration file, once released, is never edited (a
// change is a new file); two registries starting on one database apply each migration once
// (an advisory lock, then a fresh look at what is applied); a database a newer registry has
// migrated is refused, not run on with a schema this code does not know.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SqlDatabase } from './sql.ts';

// From the module's path as text: a test environment's own URL class (jsdom) is not Node's.
const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');
const MIGRATION_FILE = /^([0-9]{3})-([a-z0-9-]+)\.sql$/;
/** Any fixed number: the lock two registries starting at once take in turn. */
const MIGRATION_LOCK = 7_160_015;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** The migration files, in order; a gap or a repeated number is a mistake in the repository. */
export function readMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const migrations = readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .map((file) => {
      const match = MIGRATION_FILE.exec(file);
      if (!match) throw new Error(`migration file ${file} is not named NNN-name.sql`);
      return {
        version: Number(match[1]),
        name: match[2]!,
        sql: readFileSync(`${dir}/${file}`, 'utf8'),
      };
    })
    .sort((a, b) => a.version - b.version);
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1)
      throw new Error(`migrations must be numbered 001, 002, … without gaps: ${migration.name}`);
  });
  return migrations;
}

/** Applies what is missing; answers the versions it applied. */
export async function migrate(
  db: SqlDatabase,
  migrations: readonly Migration[] = readMigrations(),
): Promise<number[]> {
  await db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY,
    name text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  const applied: number[] = [];
  for (const migration of migrations) {
    const done = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      const rows = await tx.query<{ version: number }>(
        'SELECT version FROM schema_migrations ORDER BY version',
      );
      const newest = rows.at(-1)?.version ?? 0;
      if (newest > migrations.length)
        throw new Error(
          `the database is at schema ${newest}, newer than this registry's ${migrations.length}: run the registry that migrated it`,
        );
      if (rows.some((row) => row.version === migration.version)) return false;
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
      return true;
    });
    if (done) applied.push(migration.version);
  }
  return applied;
}
