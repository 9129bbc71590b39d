// @vitest-environment node
// The worked example of docs/protocol.md ("Signed events") is real: its canonical text is the
// event's, by the shared code, and its signature verifies with its public key; the enrolment
// request on that page carries the same key; the roster's examples (2.1) have exactly the members
// the registry answers; the center's day example (2.2) holds that very event, on the Tehran day of
// its occurredAt, with a cursor the registry reads for that center and day. A change to the canonical form or to the example then fails here, not at
// a registry team reading the page.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  canonicalEventText,
  importDevicePublicKey,
  isDevicePublicKey,
  verifyEventSignature,
} from '../src/domain/event-signature.ts';
import { parseEnrolmentCode } from '../src/domain/enrolment-code.ts';
import type {
  DayEventsResponse,
  StaffPullResponse,
  StaffRecord,
} from '../src/protocol/protocol.ts';
import { DAY_FEED_TIME_ZONE } from '../src/protocol/protocol.ts';
import { jalaliDayKey } from '../src/domain/jalali.ts';
import { decodeDayCursor } from './day-feed-routes.ts';
import { isPinVerifier } from '../src/domain/pin-verifier.ts';
import { parseEvent } from './event-validation.ts';
import type { StoredStaffMember } from './staff-roster.ts';
import { staffMember, staffRecord } from './staff-roster.ts';

const PAGE = readFileSync(resolve(import.meta.dirname, '../docs/protocol.md'), 'utf8');

/** The code block right after `<!-- example:name -->`. */
function example(name: string): string {
  const match = new RegExp(`<!-- example:${name} -->\\s*\`\`\`\\w*\\n([\\s\\S]*?)\\n\`\`\``).exec(
    PAGE,
  );
  if (!match) throw new Error(`docs/protocol.md has no example ${name}`);
  return match[1] as string;
}

describe('the worked example of docs/protocol.md', () => {
  const event = JSON.parse(example('signed-event')) as Record<string, unknown>;
  const publicKey: unknown = JSON.parse(example('public-key'));

  it('is an event the registry takes as it is', () => {
    expect(parseEvent(event)).toEqual({ ok: true, event });
  });

  it('has the canonical text the page shows, of the byte length it says', () => {
    const text = example('canonical-text');
    expect(canonicalEventText(event)).toBe(text);
    expect(PAGE).toContain(`${new TextEncoder().encode(text).length} bytes of UTF-8`);
  });

  it('has a signature that verifies with its public key, and only over that event', async () => {
    expect(isDevicePublicKey(publicKey)).toBe(true);
    const key = await importDevicePublicKey(publicKey as never);
    expect(await verifyEventSignature(event, key)).toBe(true);
    expect(await verifyEventSignature({ ...event, staffId: 'S-08' }, key)).toBe(false);
    expect(PAGE).toContain(`\n${event.signature as string}\n`);
  });

  it('enrols with the same key and a code with a good check digit', () => {
    const request = JSON.parse(example('enrolment-request')) as {
      code: string;
      deviceId: string;
      publicKey: unknown;
    };
    expect(request.publicKey).toEqual(publicKey);
    expect(request.deviceId).toBe(event.deviceId);
    expect(parseEnrolmentCode(request.code).ok).toBe(true);
  });
});

describe("the roster's examples in docs/protocol.md", () => {
  const stored: StoredStaffMember = {
    centerId: 'DEMO-01',
    staffId: 'S-1',
    name: 'n',
    role: 'clerk',
    active: true,
    deactivatedAt: null,
    pinVerifier: null,
    pinSetAt: null,
    version: 1,
    updatedAt: '',
  };
  const keys = (value: object) => Object.keys(value).sort();

  it('pulls members with exactly the members the registry sends, a readable verifier and the cursor of the last', () => {
    const page = JSON.parse(example('staff-pull')) as StaffPullResponse;
    expect(keys(page)).toEqual(['cursor', 'hasMore', 'items']);
    for (const member of page.items) {
      expect(keys(member)).toEqual(keys(staffMember(stored)));
      expect(isPinVerifier(member.pinVerifier)).toBe(true);
    }
    expect(page.cursor).toBe(String(page.items.at(-1)?.version));
  });

  it("shows the administrator's record with exactly its members, and no verifier", () => {
    const { staff } = JSON.parse(example('staff-record')) as { staff: StaffRecord };
    expect(keys(staff)).toEqual(keys(staffRecord(stored)));
    expect(staff).not.toHaveProperty('pinVerifier');
  });
});

describe("the center's day example in docs/protocol.md", () => {
  const page = JSON.parse(example('day-events')) as DayEventsResponse;

  it('holds the worked example event, on the Tehran day of its occurredAt', () => {
    const event = JSON.parse(example('signed-event')) as Record<string, unknown>;
    expect(page.items).toEqual([event]);
    expect(page.day).toBe(jalaliDayKey(new Date(event.occurredAt as string), DAY_FEED_TIME_ZONE));
  });

  it('has a cursor the registry reads as after the page, for that center and day only', () => {
    expect(decodeDayCursor(page.centerId, page.day, page.cursor)).toBe(page.items.length);
    expect(() => decodeDayCursor('THR-012', page.day, page.cursor)).toThrow(/another center/);
    expect(() => decodeDayCursor(page.centerId, '1405-09-15', page.cursor)).toThrow(/another day/);
  });

  it('names each device with when it was last heard from', () => {
    const keys = (value: object) => Object.keys(value).sort();
    expect(keys(page)).toEqual(['centerId', 'cursor', 'day', 'devices', 'hasMore', 'items']);
    for (const device of page.devices)
      expect(keys(device)).toEqual([
        'deviceId',
        'enrolledAt',
        'lastHeardAt',
        'status',
        'withdrawnAt',
      ]);
  });
});
