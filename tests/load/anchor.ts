// The physical anchor of the load run: what the same PostgreSQL server does with the statements
// of one push batch when nothing but pgbench sends them. A fresh database of the registry's
// schema (migrated by openRegistryDatabase) gets the load centers' rows copied from the
// registry's (centers, cards, roster, devices: the very rows, as the registry holds them), then
// pgbench runs a script of the push's transaction (RegistryStore.pushEvents and applyBatch):
// the device FOR SHARE, the center FOR UPDATE, the batch's cards FOR UPDATE in card-id order,
// the accepted-events lookup by id, the staff lookup, the cards upsert and the events insert
// through arrays of `batch` rows, the counter update. Must stay true: one pgbench transaction is
// one push batch of exactly `batch` events, with the registry's statements, one round trip
// each, in its order; every client draws its centers from its own share, so no two clients wait
// on one center's row (tablets of one center may; that is the registry's to pay); every event
// id is new and every card row already exists, so each handover is a card update and an event
// insert, as in the registry; the rows are the size of the registry's (the card text holds its
// handover, the event its signature); no statement of the registry's outside the transaction
// (token lookup, center check, device read) is here: the ratio shows what they and the
// registry's own work cost.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SqlDatabase } from '../../server/database/sql.ts';
import { openRegistryDatabase } from '../../server/database/registry-database.ts';
import { vacuumCenterTables } from './national.ts';

/** Centers copied per statement: about 7,500 cards, a few MB of text. */
const CENTERS_PER_COPY = 20;
/** pgbench gets this long past its own -T before it is stopped as stuck. */
const PGBENCH_GRACE_MS = 60_000;

/** pgbench: $PGBENCH, else on the PATH's usual place, else the newest Debian server's. */
export function findPgbench(): string | undefined {
  const named = process.env.PGBENCH;
  if (named) return existsSync(named) ? named : undefined;
  if (existsSync('/usr/bin/pgbench')) return '/usr/bin/pgbench';
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((version) => existsSync(join(root, version, 'bin/pgbench')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], 'bin/pgbench');
}

interface CopiedTable {
  table: string;
  columns: string[];
  types: string[];
}

const COPIED: CopiedTable[] = [
  {
    table: 'centers',
    columns: ['center_id', 'name', 'rules', 'version'],
    types: ['text', 'text', 'text', 'bigint'],
  },
  {
    table: 'cards',
    columns: ['center_id', 'card_id', 'version', 'status', 'card'],
    types: ['text', 'text', 'bigint', 'text', 'text'],
  },
  {
    table: 'staff',
    columns: ['center_id', 'staff_id', 'version', 'added', 'member'],
    types: ['text', 'text', 'bigint', 'bigint', 'text'],
  },
  {
    table: 'devices',
    columns: ['device_id', 'center_id', 'token_digest', 'device'],
    types: ['text', 'text', 'text', 'text'],
  },
];

/**
 * Copies the rows of `centerIds` from the registry's database into `anchorUrl`'s, migrated
 * first by the registry's own code, then vacuums it as the registry's was.
 */
export async function prepareAnchorDatabase(
  registry: SqlDatabase,
  anchorUrl: string,
  centerIds: readonly string[],
): Promise<void> {
  const anchor = await openRegistryDatabase({ databaseUrl: anchorUrl });
  try {
    for (let start = 0; start < centerIds.length; start += CENTERS_PER_COPY) {
      const centers = centerIds.slice(start, start + CENTERS_PER_COPY);
      for (const { table, columns, types } of COPIED) {
        const rows = await registry.query<Record<string, unknown>>(
          `SELECT ${columns.join(', ')} FROM ${table} WHERE center_id = ANY($1::text[])`,
          [centers],
        );
        if (rows.length === 0) continue;
        await anchor.query(
          `INSERT INTO ${table} (${columns.join(', ')})
           SELECT * FROM unnest(${types.map((type, index) => `$${index + 1}::${type}[]`).join(', ')})`,
          columns.map((column) => rows.map((row) => row[column])),
        );
      }
    }
    await vacuumCenterTables(anchor);
  } finally {
    await anchor.close();
  }
}

export interface AnchorScript {
  batch: number;
  /** The load centers are N-0001 … : their count and the width of their numbers. */
  centers: number;
  centerIdWidth: number;
  tabletsPerCenter: number;
  /** Cards of the smallest load center: every batch's cards lie within them. */
  cardsPerCenter: number;
  clients: number;
  /** The Jalali day the events are filed under. */
  day: string;
  staffId: string;
}

/**
 * The push's transaction as a pgbench script. Card ids are C-0000001 … (demoCardId); a batch is
 * `batch` consecutive cards of one center from a random first one. The rows' texts come from
 * -D variables (a real signed event and the card it makes, with @ID@ and @CARD@ in place of
 * their ids), sent as parameters as the registry sends its arrays. No colon may appear in the
 * script but before a pgbench variable or in a cast, which is why the texts are not inline.
 */
export function anchorScript(script: AnchorScript): string {
  const { batch, centers, clients, centerIdWidth: width, staffId, day } = script;
  const center = `'N-' || lpad(:center_no::text, ${width}, '0')`;
  const cardId = (offset: string) => `'C-' || lpad((:first::int + ${offset})::text, 7, '0')`;
  return `\\set slot :client_id % ${centers}
\\set center_no 1 + :slot + ${clients} * random(0, (${centers - 1} - :slot) / ${clients})
\\set tablet random(1, ${script.tabletsPerCenter})
\\set first random(1, ${script.cardsPerCenter - batch + 1})
BEGIN;
SELECT device FROM devices WHERE device_id = ${center} || '-T' || :tablet FOR SHARE;
SELECT center_id AS cid, name, rules, version AS v FROM centers WHERE center_id = ${center} FOR UPDATE \\gset
SELECT card FROM cards
  WHERE center_id = :cid
    AND card_id = ANY(ARRAY(SELECT ${cardId('g')} FROM generate_series(0, ${batch - 1}) AS g))
  ORDER BY card_id FOR UPDATE;
SELECT event_id, event FROM accepted_events
  WHERE center_id = :cid
    AND event_id = ANY(ARRAY(SELECT gen_random_uuid()::text FROM generate_series(1, ${batch})));
SELECT member FROM staff WHERE center_id = :cid AND staff_id = ANY(ARRAY['${staffId}']);
INSERT INTO cards (center_id, card_id, version, status, card)
  SELECT :cid, c.id, :v::bigint + c.n, 'handed_over', replace(:card_text, '@CARD@', c.id)
    FROM (SELECT ${cardId('n - 1')} AS id, n FROM generate_series(1, ${batch}) AS n) AS c
  ON CONFLICT (center_id, card_id) DO UPDATE
    SET version = excluded.version, status = excluded.status, card = excluded.card;
INSERT INTO accepted_events (center_id, event_id, version, day, device_id, event)
  SELECT :cid, e.id, :v::bigint + e.n, '${day}', :cid || '-T' || :tablet,
         replace(replace(:event_text, '@ID@', e.id), '@CARD@', ${cardId('e.n - 1')})
    FROM (SELECT gen_random_uuid()::text AS id, n FROM generate_series(1, ${batch}) AS n) AS e
  ON CONFLICT (center_id, event_id) DO NOTHING RETURNING event_id;
UPDATE centers SET version = :v::bigint + ${batch} WHERE center_id = :cid;
COMMIT;
`;
}

export interface AnchorRun {
  tps: number;
  transactions: number;
  failedTransactions: number;
  latencyAverageMs: number;
  /** pgbench -r: each statement's average latency, as it prints them. */
  statementLatencies: string[];
  output: string;
}

/** The texts pgbench's -D options carry: the ids a row has its own of replaced by placeholders. */
export function templates(
  sampleEvent: string,
  sampleCard: string,
): { event_text: string; card_text: string } {
  const event = JSON.parse(sampleEvent) as { eventId: string; cardId: string };
  const card = (text: string) => text.split(`"${event.cardId}"`).join('"@CARD@"');
  // The card's handover keeps the sample's event id: as long as any, and never looked up.
  return {
    event_text: card(sampleEvent).split(event.eventId).join('@ID@'),
    card_text: card(sampleCard),
  };
}

/**
 * pgbench with `script` (and `variables` as -D) against `url`: `clients` connections over two
 * threads (the cores), for `seconds`. Throws with pgbench's own words when it fails.
 */
export async function runPgbench(options: {
  pgbench: string;
  url: string;
  script: string;
  variables: Record<string, string>;
  clients: number;
  seconds: number;
  onStart: (stop: () => void) => void;
}): Promise<AnchorRun> {
  const folder = mkdtempSync(join(tmpdir(), 'tahvil-load-'));
  try {
    const scriptPath = join(folder, 'push-batch.sql');
    writeFileSync(scriptPath, options.script);
    const args = [
      '--no-vacuum',
      // Unnamed statements parsed on every call: what `pg` does with the registry's queries.
      '--protocol=extended',
      `--client=${options.clients}`,
      '--jobs=2',
      `--time=${options.seconds}`,
      '--report-per-command',
      `--file=${scriptPath}`,
      ...Object.entries(options.variables).map(([name, value]) => `--define=${name}=${value}`),
      options.url,
    ];
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(options.pgbench, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      const stop = () => child.kill('SIGTERM');
      options.onStart(stop);
      const stuck = setTimeout(stop, options.seconds * 1000 + PGBENCH_GRACE_MS);
      child.on('error', (error) => {
        clearTimeout(stuck);
        reject(new Error(`pgbench could not start: ${error.message}`));
      });
      child.on('close', (code, signal) => {
        clearTimeout(stuck);
        if (code === 0) resolve(out + err);
        else
          reject(
            new Error(
              `pgbench ${signal ? `was stopped (${signal})` : `exited ${code}`}: ${(err || out).trim().split('\n').slice(-15).join('\n') || '(it printed nothing)'}`,
            ),
          );
      });
    });
    const number = (pattern: RegExp, what: string) => {
      const match = pattern.exec(output);
      if (!match) throw new Error(`pgbench printed no ${what}:\n${output}`);
      return Number(match[1]);
    };
    const lines = output.split('\n');
    const from = lines.findIndex((line) => line.startsWith('statement latencies'));
    return {
      tps: number(/^tps = ([0-9.]+)/m, 'tps'),
      transactions: number(/number of transactions actually processed: (\d+)/, 'transaction count'),
      failedTransactions: /number of failed transactions: (\d+)/.exec(output)
        ? number(/number of failed transactions: (\d+)/, 'failure count')
        : 0,
      latencyAverageMs: number(/latency average = ([0-9.]+) ms/, 'latency'),
      statementLatencies:
        from < 0
          ? []
          : lines
              .slice(from + 1)
              .filter((line) => /^\s+[0-9.]+\s/.test(line))
              .map((line) => line.trim().replace(/\s+/g, ' ')),
      output,
    };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
