// The national figures of issue 15: 756,000 ready cards over 2,000 centers, loaded into the
// registry's database the way the registry itself writes cards (RegistryStore.putCards, one
// transaction per center), and what they weigh on disk. Must stay true: every center's cards
// are the demo generator's for that center and seed, so a run is reproducible and the load's
// tablets can name them; a center's cards take versions 1..n with its counter at n, exactly as
// putCards leaves them; the size is read after the load has committed and been vacuumed.
import type { SqlQueryable } from '../../server/database/sql.ts';
import { DEFAULT_DEMO_SEED, generateDemoCards } from '../../server/demo-inventory.ts';
import type { RegistryStore } from '../../server/registry-store.ts';

/** Centers loaded at once: PostgreSQL has two cores; four keeps both busy while Node generates. */
const LOAD_WORKERS = 4;

/** `N-0001` … : wide enough for `centers`, so ids sort as the centers are numbered. */
export function nationalCenterIds(centers: number): string[] {
  const width = Math.max(4, String(centers).length);
  return Array.from(
    { length: centers },
    (_, index) => `N-${String(index + 1).padStart(width, '0')}`,
  );
}

/** How many of `total` cards center `index` of `centers` holds: as even as integers allow. */
export function cardsOfCenter(total: number, centers: number, index: number): number {
  return Math.floor(total / centers) + (index < total % centers ? 1 : 0);
}

export interface NationalLoad {
  cards: number;
  centers: number;
  /** Wall time of the whole load, generating the cards included. */
  seconds: number;
  /** Of it, time spent generating cards in this process (it overlaps the database's work). */
  generatingSeconds: number;
  cardsPerSecond: number;
}

/**
 * Loads `total` cards over `centerIds` through putCards, LOAD_WORKERS centers at a time. A bulk
 * path (one INSERT … unnest of twenty centers' cards) was measured here no faster, 2.9 s against
 * 2.9 s for 75,600 cards: the indexes, not the statements, are the cost, so the registry's own
 * path is the one measured.
 */
export async function loadNationalCards(
  store: RegistryStore,
  centerIds: readonly string[],
  total: number,
  progress: (loaded: number) => void,
  /** True once the run is interrupted: no further center is loaded. */
  stopped: () => boolean = () => false,
): Promise<NationalLoad> {
  const started = performance.now();
  let generatingMs = 0;
  let next = 0;
  let loaded = 0;
  let reported = 0;
  const worker = async () => {
    for (;;) {
      const index = next++;
      if (index >= centerIds.length || stopped()) return;
      const centerId = centerIds[index]!;
      const generating = performance.now();
      const cards = generateDemoCards(
        centerId,
        cardsOfCenter(total, centerIds.length, index),
        DEFAULT_DEMO_SEED + index,
      );
      generatingMs += performance.now() - generating;
      // The demo's fixed timestamps: the same run, the same bytes.
      await store.putCards(centerId, cards, { keepUpdatedAt: true });
      loaded += cards.length;
      if (loaded - reported >= 100_000) {
        reported = loaded;
        progress(loaded);
      }
    }
  };
  await Promise.all(Array.from({ length: LOAD_WORKERS }, worker));
  const seconds = (performance.now() - started) / 1000;
  return {
    cards: loaded,
    centers: centerIds.length,
    seconds,
    generatingSeconds: generatingMs / 1000,
    cardsPerSecond: loaded / seconds,
  };
}

/**
 * VACUUM ANALYZE of the center tables. A server's autovacuum would do it within a minute of a
 * bulk load; doing it now keeps it out of the timed phases and gives both databases the same
 * statistics and visibility maps (the pull's `remaining` is an index-only count once vacuumed).
 */
export async function vacuumCenterTables(db: SqlQueryable): Promise<void> {
  await db.exec('VACUUM ANALYZE centers, cards, accepted_events, staff, devices');
}

export interface DatabaseSize {
  /** pg_database_size: everything, the catalog included. */
  databaseBytes: number;
  /** The cards' partitions with their indexes and TOAST. */
  cardsBytes: number;
}

export async function databaseSize(db: SqlQueryable): Promise<DatabaseSize> {
  // A partitioned table's own size is zero: its partitions hold the rows.
  const [row] = await db.query<{ database: number; cards: number }>(
    `SELECT pg_database_size(current_database())::bigint AS database,
            (SELECT coalesce(sum(pg_total_relation_size(inhrelid)), 0)::bigint
               FROM pg_inherits WHERE inhparent = 'cards'::regclass) AS cards`,
  );
  return { databaseBytes: row!.database, cardsBytes: row!.cards };
}
