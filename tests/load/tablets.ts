// The simulated tablets of the load run, made ready before anything is timed: enrolled at their
// centers as a tablet enrols (a code, then a key pair of their own), each given its share of its
// center's ready cards as signed handover batches, written out as the request bodies that
// traffic.ts sends. Must stay true: every event is signed and every body written here, so no
// timed phase signs or serializes; a center's tablets never share a card, so every handover is
// one the registry must accept (anything else is a failure, not noise); every batch is exactly
// `batch` events, the size of the anchor's transaction; a tablet is plain data (it crosses to
// the traffic's thread).
import type { Card } from '../../src/protocol/protocol.ts';
import { DAY_FEED_TIME_ZONE } from '../../src/protocol/protocol.ts';
import { generateDeviceKeyPair } from '../../src/domain/event-signature.ts';
import { isoWithOffset } from '../../src/domain/jalali.ts';
import type { RegistryStore } from '../../server/registry-store.ts';
import type { TestDevice } from '../../server/test-helpers.ts';
import { enrolInState, seedRoster } from '../../server/test-helpers.ts';
import { createHandoverEvent } from '../factories/events.ts';
import { TEST_CLERK, TEST_OTHER_CLERK } from '../factories/staff.ts';
import type { LoadTablet } from './traffic.ts';

/** Devices enrolled at once: each enrolment is a few small transactions. */
const ENROL_WORKERS = 8;
/** Centers whose events are signed at once: WebCrypto signs off the main thread. */
const SIGN_WORKERS = 4;

/** The device id of tablet `number` (1-based) of `centerId`; the anchor's script spells it too. */
export function tabletDeviceId(centerId: string, number: number): string {
  return `${centerId}-T${number}`;
}

/** Runs `work` over `items`, `workers` at a time. */
async function eachLimited<T>(
  items: readonly T[],
  workers: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(workers, items.length) }, async () => {
      for (let index = next++; index < items.length; index = next++)
        await work(items[index]!, index);
    }),
  );
}

/**
 * The test roster at each center, then `perCenter` devices enrolled there, each with a key pair
 * of its own (a tablet makes one at enrolment), through the store as enrolInState does.
 */
export async function enrolTablets(
  store: RegistryStore,
  centerIds: readonly string[],
  perCenter: number,
): Promise<TestDevice[][]> {
  const devices: TestDevice[][] = centerIds.map(() => []);
  await eachLimited(centerIds, ENROL_WORKERS, async (centerId, index) => {
    await seedRoster(store, centerId);
    for (let number = 1; number <= perCenter; number++) {
      const keys = await generateDeviceKeyPair();
      devices[index]!.push(
        await enrolInState(store, { centerId, deviceId: tabletDeviceId(centerId, number), keys }),
      );
    }
  });
  return devices;
}

export interface PreparedTablets {
  tablets: LoadTablet[];
  events: number;
  /** Ready cards no tablet pushes: each tablet's share past its last whole batch. */
  cardsLeftOver: number;
  /** A signed handover as pushed, to size the anchor's rows like the registry's. */
  sampleEvent: string;
  /** The card that handover makes, as the registry keeps it. */
  sampleCard: string;
}

/**
 * Each center's ready cards as the registry holds them, dealt round-robin to its tablets, each
 * tablet's share cut into whole batches of `batch` handovers to the cards' holders, signed by
 * the tablet's key. Clerks alternate by tablet, so a batch names one member, as a shift does.
 */
export async function prepareTablets(
  store: RegistryStore,
  devicesByCenter: readonly TestDevice[][],
  batch: number,
): Promise<PreparedTablets> {
  const tablets: LoadTablet[] = [];
  let events = 0;
  let cardsLeftOver = 0;
  let sample: { event: string; card: string } | undefined;
  await eachLimited(devicesByCenter, SIGN_WORKERS, async (devices) => {
    const centerId = devices[0]!.centerId;
    const ready = (await store.listCards(centerId))
      .filter((card) => card.status === 'ready')
      .sort((a, b) => (a.cardId < b.cardId ? -1 : 1));
    for (const [number, device] of devices.entries()) {
      const share = ready.filter((_, index) => index % devices.length === number);
      const pushed = share.slice(0, share.length - (share.length % batch));
      cardsLeftOver += share.length - pushed.length;
      // One instant per tablet: plausible to the registry's clock, and the day feed's day.
      const occurredAt = isoWithOffset(new Date(), DAY_FEED_TIME_ZONE);
      const staffId = (number % 2 === 0 ? TEST_CLERK : TEST_OTHER_CLERK).staffId;
      const signed = await device.signAll(
        pushed.map((card) =>
          createHandoverEvent({
            cardId: card.cardId,
            occurredAt,
            staffId,
            deviceId: device.deviceId,
            recipient: {
              kind: 'holder',
              nationalCode: card.nationalCode,
              fullName: `${card.firstName} ${card.lastName}`,
            },
          }),
        ),
      );
      const bodies: string[] = [];
      for (let start = 0; start < signed.length; start += batch)
        bodies.push(JSON.stringify({ events: signed.slice(start, start + batch) }));
      events += signed.length;
      if (!sample && signed[0] && pushed[0]) {
        const card: Card = {
          ...pushed[0],
          status: 'handed_over',
          version: pushed[0].version + ready.length,
          updatedAt: new Date().toISOString(),
          handover: signed[0],
        };
        sample = { event: JSON.stringify(signed[0]), card: JSON.stringify(card) };
      }
      tablets.push({
        deviceId: device.deviceId,
        centerId,
        headers: device.headers(),
        bodies,
        batch,
      });
    }
  });
  if (!sample) throw new Error('no tablet has a whole batch to push: lower --batch');
  return { tablets, events, cardsLeftOver, sampleEvent: sample.event, sampleCard: sample.card };
}
