// @vitest-environment node
import {
  appendFileSync,
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { PushResponse } from '../src/protocol/protocol.ts';
import { DEMO_CENTER_ID } from '../src/protocol/protocol.ts';
import { createRegistryHandler } from './handler.ts';
import { journalPathOf, loadRegistryFile } from './persistence.ts';
import { authHeaders, pushPath, startRegistry } from './test-helpers.ts';
import { createHandoverEvent, createVoidEvent } from '../tests/factories/events.ts';

const root = mkdtempSync(join(tmpdir(), 'tahvil-persist-'));
let dataFile: string;
let counter = 0;

beforeEach(() => {
  dataFile = join(root, `registry-${++counter}.json`);
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

function loaded() {
  const result = loadRegistryFile(dataFile);
  if (!result) throw new Error('no data file');
  return result.state;
}

describe('registry data file', () => {
  it('writes the seeded inventory before the first answer', async () => {
    const handler = createRegistryHandler({ dataFile, seedCards: 30 });
    await handler.flush();
    expect(loaded().cardCount(DEMO_CENTER_ID)).toBe(30);
  });

  it('journals a push without rewriting the snapshot, and a reload replays it', async () => {
    const handler = createRegistryHandler({ dataFile, seedCards: 30 });
    await handler.flush();
    const snapshotBefore = readFileSync(dataFile, 'utf8');
    const handover = createHandoverEvent();
    handler.state.applyEvents(DEMO_CENTER_ID, [
      handover,
      createVoidEvent(handover.eventId),
      createHandoverEvent({ staffId: 'S-02' }),
    ]);
    await handler.flush();

    expect(readFileSync(dataFile, 'utf8')).toBe(snapshotBefore);
    expect(existsSync(journalPathOf(dataFile))).toBe(true);
    const state = loaded();
    expect(state.listCards(DEMO_CENTER_ID)).toEqual(handler.state.listCards(DEMO_CENTER_ID));
    expect(state.acceptedEvents(DEMO_CENTER_ID)).toEqual(
      handler.state.acceptedEvents(DEMO_CENTER_ID),
    );
    expect(state.centerVersion(DEMO_CENTER_ID)).toBe(handler.state.centerVersion(DEMO_CENTER_ID));
  });

  it('ignores a torn last journal line, and later writes still load', async () => {
    const handler = createRegistryHandler({ dataFile, seedCards: 30 });
    await handler.flush();
    const first = createHandoverEvent();
    handler.state.applyEvents(DEMO_CENTER_ID, [first]);
    await handler.flush();
    appendFileSync(journalPathOf(dataFile), '{"seq":99,"centers":[{"centerId":"DEMO-01","tok');

    const reopened = createRegistryHandler({ dataFile, seedCards: 30 });
    expect(reopened.state.acceptedEvents(DEMO_CENTER_ID).map((event) => event.eventId)).toEqual([
      first.eventId,
    ]);
    const second = createHandoverEvent({
      cardId: 'C-0000003',
      recipient: { kind: 'holder', nationalCode: '0499370899', fullName: 'علی کریمی' },
    });
    reopened.state.applyEvents(DEMO_CENTER_ID, [second]);
    await reopened.flush();
    expect(
      loaded()
        .acceptedEvents(DEMO_CENTER_ID)
        .map((event) => event.eventId),
    ).toEqual([first.eventId, second.eventId]);
  });

  it('never replays journal lines that a newer snapshot already holds', async () => {
    const handler = createRegistryHandler({ dataFile, seedCards: 30 });
    await handler.flush();
    handler.state.applyEvents(DEMO_CENTER_ID, [createHandoverEvent()]);
    await handler.flush();
    const staleJournal = join(root, 'stale.journal');
    copyFileSync(journalPathOf(dataFile), staleJournal);
    await handler.reset(30);
    expect(existsSync(journalPathOf(dataFile))).toBe(false);
    // As if the process died between writing the snapshot and removing the journal.
    copyFileSync(staleJournal, journalPathOf(dataFile));

    const state = loaded();
    expect(state.acceptedEvents(DEMO_CENTER_ID)).toEqual([]);
    expect(state.getCard(DEMO_CENTER_ID, 'C-0000001')?.status).toBe('ready');
  });

  it('refuses to start over a data file it cannot read', () => {
    writeFileSync(dataFile, '{"format":"something else"}');
    expect(() => createRegistryHandler({ dataFile })).toThrow(/cannot read registry data file/);
    expect(readFileSync(dataFile, 'utf8')).toBe('{"format":"something else"}');
  });

  it('refuses a journal damaged in the middle', async () => {
    const handler = createRegistryHandler({ dataFile, seedCards: 30 });
    await handler.flush();
    handler.state.applyEvents(DEMO_CENTER_ID, [createHandoverEvent()]);
    await handler.flush();
    const journal = readFileSync(journalPathOf(dataFile), 'utf8');
    writeFileSync(journalPathOf(dataFile), `{"seq":2,"cen\n${journal}`);
    expect(() => loadRegistryFile(dataFile)).toThrow(/damaged/);
  });

  it('keeps every event of concurrent pushes', async () => {
    const registry = await startRegistry({ dataFile, seedCards: 200 });
    const readyCards = registry.handler.state
      .listCards(DEMO_CENTER_ID)
      .filter((card) => card.status === 'ready')
      .slice(5, 45);
    const events = readyCards.map((card) =>
      createHandoverEvent({
        cardId: card.cardId,
        recipient: {
          kind: 'holder',
          nationalCode: card.nationalCode,
          fullName: `${card.firstName} ${card.lastName}`,
        },
      }),
    );
    const responses = await Promise.all(
      events.map((event) =>
        fetch(registry.base + pushPath(), {
          method: 'POST',
          headers: authHeaders(),
          body: JSON.stringify({ events: [event] }),
        }),
      ),
    );
    for (const response of responses)
      expect(((await response.json()) as PushResponse).results[0]?.status).toBe('accepted');
    await registry.close();
    expect(
      new Set(
        loaded()
          .acceptedEvents(DEMO_CENTER_ID)
          .map((event) => event.eventId),
      ),
    ).toEqual(new Set(events.map((event) => event.eventId)));
  });

  it('rewrites the snapshot once the journal has grown', async () => {
    const handler = createRegistryHandler({ dataFile, seedCards: 30 });
    await handler.flush();
    // Big fullName fields make each journal line large, so the journal passes its limit quickly.
    const bulky = 'ن'.repeat(499);
    let firstEventId = '';
    for (let round = 0; round < 40; round++) {
      const batch = [];
      for (let i = 0; i < 250; i++) {
        const handover = createHandoverEvent({
          recipient: { kind: 'holder', nationalCode: '0012345679', fullName: bulky },
        });
        batch.push(handover, createVoidEvent(handover.eventId, { reason: bulky }));
        firstEventId ||= handover.eventId;
      }
      handler.state.applyEvents(DEMO_CENTER_ID, batch);
      await handler.flush();
    }
    // The first event is in the snapshot only if the journal was folded into a new one.
    expect(readFileSync(dataFile, 'utf8')).toContain(firstEventId);
    expect(statSync(journalPathOf(dataFile), { throwIfNoEntry: false })?.size ?? 0).toBeLessThan(
      16 * 1024 * 1024,
    );
    expect(loaded().acceptedEvents(DEMO_CENTER_ID)).toHaveLength(40 * 500);
  });
});
