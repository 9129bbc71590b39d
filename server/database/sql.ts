// The registry's one way to reach its database, whichever engine holds it: PGlite (PostgreSQL
// compiled to WebAssembly, in this process, its files in a folder) by default, or a PostgreSQL
// server through `pg`. Must stay true: both run the same SQL text with the same `$n` parameters,
// and give bigint columns back as JavaScript numbers (every count and version here stays below
// 2^53); a transaction commits before its promise resolves, and is rolled back when its work
// throws.
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

/** A place SQL runs: the database itself, or one transaction on it. */
export interface SqlQueryable {
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Runs a script of several statements (a migration), with no parameters. */
  exec(script: string): Promise<void>;
}

export type SqlEngine = 'pglite' | 'postgres';

export interface SqlDatabase extends SqlQueryable {
  readonly engine: SqlEngine;
  /** PGlite's files as one archive (an in-memory template); PGlite only. */
  dumpDataDir(): Promise<Blob>;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: SqlQueryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** PostgreSQL's type id of bigint (int8). */
const INT8 = 20;
/** PostgreSQL's type id of numeric, which count(*) over bigint sums would give. */
const NUMERIC = 1700;
const toNumber = (text: string) => Number(text);

/** Where the registry's data lives: a PGlite folder (or memory), or a PostgreSQL server. */
export type DatabaseLocation =
  | { engine: 'pglite'; dataDir?: string; template?: Blob }
  | { engine: 'postgres'; url: string; maxConnections?: number };

export async function openDatabase(location: DatabaseLocation): Promise<SqlDatabase> {
  return location.engine === 'pglite'
    ? openPglite(location.dataDir, location.template)
    : openPostgres(location.url, location.maxConnections);
}

/**
 * PGlite in this process. `dataDir` absent keeps the database in memory (tests); `template`, a
 * dumped data folder, skips initdb (a test's fresh database in a third of the time).
 */
export async function openPglite(dataDir?: string, template?: Blob): Promise<SqlDatabase> {
  let unlock = () => undefined as void;
  if (dataDir !== undefined) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    unlock = lockFolder(dataDir);
  }
  let db: PGlite;
  try {
    db = await startPglite(dataDir, template);
  } catch (error) {
    unlock();
    throw error;
  }
  return pgliteDatabase(db, unlock);
}

async function startPglite(dataDir: string | undefined, template: Blob | undefined) {
  const db = new PGlite({
    ...(dataDir !== undefined ? { dataDir } : {}),
    ...(template !== undefined ? { loadDataDir: template } : {}),
    parsers: { [INT8]: toNumber, [NUMERIC]: toNumber },
  });
  await db.waitReady;
  return db;
}

function pgliteDatabase(db: PGlite, unlock: () => void): SqlDatabase {
  return {
    engine: 'pglite',
    async query<Row>(text: string, params: readonly unknown[] = []) {
      return (await db.query<Row>(text, [...params])).rows;
    },
    transaction<T>(work: (tx: SqlQueryable) => Promise<T>) {
      return db.transaction((tx) =>
        work({
          async query<Row>(text: string, params: readonly unknown[] = []) {
            return (await tx.query<Row>(text, [...params])).rows;
          },
          async exec(script: string) {
            await tx.exec(script);
          },
        }),
      );
    },
    async exec(script: string) {
      await db.exec(script);
    },
    dumpDataDir: () => db.dumpDataDir('none'),
    async close() {
      try {
        await db.close();
      } finally {
        unlock();
      }
    },
  };
}

const LOCK_FILE = 'tahvil-registry.lock';

/**
 * Keeps a second registry off a PGlite folder one already has open (two processes on one folder
 * would corrupt it): a lock file naming the holder's process, taken over only when that process
 * is gone (a registry that was killed). Answers the function that lets go.
 */
function lockFolder(dataDir: string): () => void {
  const path = join(dataDir, LOCK_FILE);
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
      const holder = Number(readFileSync(path, 'utf8'));
      // This process too: a folder is opened once at a time, here as anywhere.
      if (Number.isInteger(holder) && holder > 0 && isRunning(holder))
        throw new Error(
          `the database folder ${dataDir} is open in another registry (process ${holder}); stop it first`,
        );
      rmSync(path, { force: true });
    }
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A PostgreSQL server through a pool of `pg` connections. */
export async function openPostgres(url: string, maxConnections = 10): Promise<SqlDatabase> {
  const pool = new pg.Pool({
    connectionString: url,
    max: maxConnections,
    types: {
      getTypeParser: ((oid: number, format?: string) =>
        oid === INT8 || oid === NUMERIC
          ? toNumber
          : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
    },
  });
  // An idle connection the server drops (a restart) must not take the process down.
  pool.on('error', (error) => console.error('[registry] database connection lost:', error.message));
  // Fails here, at start, when the server cannot be reached.
  await pool.query('SELECT 1');
  const on = (client: pg.Pool | pg.PoolClient): SqlQueryable => ({
    async query<Row>(text: string, params: readonly unknown[] = []) {
      return (await client.query({ text, values: [...params] })).rows as Row[];
    },
    async exec(script: string) {
      await client.query(script);
    },
  });
  return {
    engine: 'postgres',
    ...on(pool),
    async transaction<T>(work: (tx: SqlQueryable) => Promise<T>) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work(on(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    dumpDataDir() {
      return Promise.reject(new Error('a PostgreSQL server has no data folder to dump'));
    },
    close: () => pool.end(),
  };
}
