// @vitest-environment node
// The store on its database, where an HTTP test cannot reach: pushes racing each other (one
// eventId twenty times at once; twenty devices handing over one card at once), the pull's plan,
// and the partitioning the schema promises Citus. On PGlite in every run, and on PostgreSQL in
// the run for it (TAHVIL_TEST_BACKEND=postgres, in CI), where the twenty pushes really are on
// twenty connections at once.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_CENTER_ID } from '../src/protocol/protocol.ts';
import type { SqlDatabase } from './database/sql.ts';
import { RegistryStore } from './registry-store.ts';
import { generateDemoCards } from './demo-inventory.ts';
import { openTestDatabase, seedRoster } from './test-helpers.ts';
import { createHandoverEvent } from '../tests/factories/events.ts';
import { FIXED_NOW } from '../tests/factories/time.ts';

let db: SqlDatabase;
let store: RegistryStore;

beforeEach(async () => {
  db = await openTestDatabase();
  store = new RegistryStore(db, { now: () => FIXED_NOW });
  await store.putCards(DEMO_CENTER_ID, generateDemoCards(DEMO_CENTER_ID, 30), {
    keepUpdatedAt: true,
  });
  await seedRoster(store, DEMO_CENTER_ID);
});

afterEach(async () => {
  await store.settled();
  await db.close();
});

describe('pushes at the same moment', () => {
  it('twenty pushes of one eventId keep it once: one accepted, nineteen duplicates', async () => {
    const event = createHandoverEvent();
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        store.applyEvents(DEMO_CENTER_ID, [event], {
          deviceId: event.deviceId,
          verified: [true],
        }),
      ),
    );
    const statuses = results.map(([result]) => result?.status).sort();
    expect(statuses).toEqual(['accepted', ...Array<string>(19).fill('duplicate')]);
    expect((await store.acceptedEvents(DEMO_CENTER_ID)).map((kept) => kept.eventId)).toEqual([
      event.eventId,
    ]);
    const card = await store.getCard(DEMO_CENTER_ID, event.cardId);
    expect(card).toMatchObject({ status: 'handed_over', handover: event });
  });

  it('twenty devices handing over one card at once: one accepted, nineteen conflicts', async () => {
    const events = Array.from({ length: 20 }, (_, index) =>
      createHandoverEvent({ deviceId: `counter-${index + 1}` }),
    );
    const results = await Promise.all(
      events.map((event) =>
        store.applyEvents(DEMO_CENTER_ID, [event], {
          deviceId: event.deviceId,
          verified: [true],
        }),
      ),
    );
    const flat = results.map(([result]) => result!);
    const accepted = flat.filter((result) => result.status === 'accepted');
    expect(accepted).toHaveLength(1);
    const conflicts = flat.filter((result) => result.status === 'conflict');
    expect(conflicts).toHaveLength(19);
    // Each conflict names the one handover that won, and shows the card as it now is.
    for (const conflict of conflicts)
      expect(conflict).toMatchObject({
        code: 'already-handed-over',
        card: { status: 'handed_over', handover: { eventId: accepted[0]!.eventId } },
      });
    expect(await store.acceptedEvents(DEMO_CENTER_ID)).toHaveLength(1);
  });

  it('gives the center versions in the order the pushes commit, none twice', async () => {
    const ready = (await store.listCards(DEMO_CENTER_ID)).filter((card) => card.status === 'ready');
    const before = await store.centerVersion(DEMO_CENTER_ID);
    const results = await Promise.all(
      ready.slice(0, 10).map((card, index) => {
        const event = createHandoverEvent({
          cardId: card.cardId,
          deviceId: `counter-${index}`,
          recipient: { kind: 'holder', nationalCode: card.nationalCode, fullName: card.firstName },
        });
        return store.applyEvents(DEMO_CENTER_ID, [event], {
          deviceId: event.deviceId,
          verified: [true],
        });
      }),
    );
    const versions = results.map(([result]) => {
      expect(result?.status).toBe('accepted');
      return result!.card!.version;
    });
    expect([...versions].sort((a, b) => a - b)).toEqual(
      Array.from({ length: 10 }, (_, index) => before + index + 1),
    );
    // The events' acceptance order is their cards' version order.
    const versionOf = new Map(results.map(([result]) => [result!.eventId, result!.card!.version]));
    const log = await store.acceptedEvents(DEMO_CENTER_ID);
    expect(log.map((event) => versionOf.get(event.eventId))).toEqual(
      [...versions].sort((a, b) => a - b),
    );
  });
});

describe('the schema', () => {
  it('reads a pull page from the one partition of the center, through its version index', async () => {
    // Enough cards that reading them all and sorting would cost more than the index.
    await store.putCards(DEMO_CENTER_ID, generateDemoCards(DEMO_CENTER_ID, 5_000), {
      keepUpdatedAt: true,
    });
    await store.maintain();
    const plan = await db.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN SELECT card, version FROM cards WHERE center_id = $1 AND version > $2
        ORDER BY version LIMIT 2000`,
      [DEMO_CENTER_ID, 0],
    );
    const text = plan.map((row) => row['QUERY PLAN']).join('\n');
    const partitions = new Set(text.match(/\bcards_p[0-9]+\b/g));
    expect(partitions.size).toBe(1);
    expect(text).toMatch(/Index (Only )?Scan|Bitmap Index Scan/);
  });

  it('partitions every center-owned table by center_id and keys each with it', async () => {
    const partitioned = await db.query<{ table: string; key: string }>(
      `SELECT c.relname AS table, pg_get_partkeydef(c.oid) AS key
         FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid
        ORDER BY c.relname`,
    );
    expect(partitioned).toEqual(
      ['accepted_events', 'cards', 'centers', 'staff'].map((table) => ({
        table,
        key: 'HASH (center_id)',
      })),
    );
    // PostgreSQL itself refuses a unique key without the partition column: the rule Citus has.
    await expect(db.exec('ALTER TABLE cards ADD UNIQUE (card_id)')).rejects.toThrow(/partition/i);
  });

  it('records each migration once, and refuses a database a newer registry migrated', async () => {
    const applied = await db.query<{ version: number; name: string }>(
      'SELECT version, name FROM schema_migrations ORDER BY version',
    );
    expect(applied).toEqual([{ version: 1, name: 'registry' }]);
    const { migrate } = await import('./database/migrate.ts');
    expect(await migrate(db)).toEqual([]);
    await db.query("INSERT INTO schema_migrations (version, name) VALUES (99, 'from-the-future')");
    await expect(migrate(db)).rejects.toThrow(/newer than this registry/);
  });
});
