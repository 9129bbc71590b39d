// importManifestCards on its own: the rows the row checker passed, written in one transaction.
// (src/features/import/manifest-import.test.ts runs whole files through the import.)
import { describe, expect, it } from 'vitest';
import { importManifestCards } from './manifest-import.ts';
import { upsertCards } from './cards.ts';
import { readCounters, recountStatuses } from './counters.ts';
import { recordHandover } from './handovers.ts';
import type { TahvilDatabase } from './database.ts';
import type { ManifestCardDraft } from '../domain/manifest.ts';
import { createCard, holderHandover } from '../../tests/factories/cards.ts';
import { testCommandContext } from '../../tests/factories/context.ts';
import { createTestDatabase } from '../../tests/factories/database.ts';
import { FIXED_NOW, TEST_DAY_KEY } from '../../tests/factories/time.ts';
import { nameSearchKeys } from '../domain/persian-text.ts';

const CONTEXT = { centerId: 'TEH-7', now: FIXED_NOW };

/** A checked manifest row: the card the file describes, at `line` of the file. */
const row = (line: number, card: ManifestCardDraft) => ({ line, card });

const draft = (overrides: Partial<ManifestCardDraft> = {}): ManifestCardDraft => ({
  cardId: 'M-1',
  nationalCode: '0012345679',
  firstName: 'زهرا',
  lastName: 'محمدی',
  ...overrides,
});

async function everything(db: TahvilDatabase) {
  return { cards: await db.cards.toArray(), counters: await db.counters.toArray() };
}

describe('importManifestCards', () => {
  it('adds a card the center does not have as ready, version 0, waiting since now', async () => {
    const db = await createTestDatabase();
    const outcome = await importManifestCards(db, [row(2, draft({ box: 'B-1' }))], CONTEXT);
    expect(outcome).toEqual({ added: 1, updated: 0, unchanged: 0, notReady: 0, refused: [] });
    expect(await db.cards.get('M-1')).toEqual({
      cardId: 'M-1',
      centerId: 'TEH-7',
      nationalCode: '0012345679',
      firstName: 'زهرا',
      lastName: 'محمدی',
      fatherName: null,
      birthDate: null,
      trackingCode: null,
      box: 'B-1',
      status: 'ready',
      version: 0,
      updatedAt: FIXED_NOW.toISOString(),
      handover: null,
      nameKeys: nameSearchKeys(['زهرا', 'محمدی']),
    });
    expect((await readCounters(db, TEST_DAY_KEY)).ready).toBe(1);
  });

  it('updates an imported ready card the file now describes otherwise, keeping what the file leaves out', async () => {
    const db = await createTestDatabase();
    await importManifestCards(db, [row(2, draft({ fatherName: 'علی', box: 'B-1' }))], CONTEXT);
    const later = { ...CONTEXT, now: new Date(FIXED_NOW.getTime() + 60_000) };
    const outcome = await importManifestCards(db, [row(7, draft({ box: 'B-2' }))], later);
    expect(outcome).toMatchObject({ added: 0, updated: 1, unchanged: 0 });
    expect(await db.cards.get('M-1')).toMatchObject({
      box: 'B-2',
      fatherName: 'علی',
      updatedAt: FIXED_NOW.toISOString(),
    });
    expect(await recountStatuses(db)).toMatchObject({ ready: 1 });
    expect((await readCounters(db, TEST_DAY_KEY)).ready).toBe(1);
  });

  it('changes nothing for a card described as stored, or for an empty batch', async () => {
    const db = await createTestDatabase();
    await importManifestCards(db, [row(2, draft())], CONTEXT);
    const before = await everything(db);
    expect(await importManifestCards(db, [row(2, draft())], CONTEXT)).toMatchObject({
      unchanged: 1,
      updated: 0,
    });
    expect(await importManifestCards(db, [], CONTEXT)).toEqual({
      added: 0,
      updated: 0,
      unchanged: 0,
      notReady: 0,
      refused: [],
    });
    expect(await everything(db)).toEqual(before);
  });

  it('never touches a card that has left the shelf, and refuses what the registry or another holder owns', async () => {
    const handedOver = createCard({ cardId: 'C-1', nationalCode: '0084575948' });
    const registryCard = createCard({ cardId: 'C-2', nationalCode: '0499370899', box: 'B-9' });
    const taken = createCard({ cardId: 'C-3', nationalCode: '1234567891' });
    const db = await createTestDatabase();
    await upsertCards(db, [handedOver, registryCard, taken]);
    await recordHandover(db, holderHandover(handedOver), testCommandContext());
    const before = await everything(db);
    const outcome = await importManifestCards(
      db,
      [
        row(2, draft({ cardId: 'C-1', nationalCode: '0084575948', box: 'B-0' })),
        row(3, draft({ cardId: 'C-2', nationalCode: '0499370899', box: 'B-1' })),
        row(4, draft({ cardId: 'C-3', nationalCode: '0012345679' })),
      ],
      CONTEXT,
    );
    expect(outcome).toEqual({
      added: 0,
      updated: 0,
      unchanged: 0,
      notReady: 1,
      refused: [
        { line: 3, cardId: 'C-2', reason: 'registry-copy-differs' },
        { line: 4, cardId: 'C-3', reason: 'card-id-taken' },
      ],
    });
    expect(await everything(db)).toEqual(before);
  });
});
