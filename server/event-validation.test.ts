// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { createHandoverEvent, createVoidEvent } from '../tests/factories/events.ts';
import { ALL_CHECKS } from '../tests/factories/cards.ts';
import { FIXED_NOW } from '../tests/factories/time.ts';
import {
  EARLIEST_OCCURRED_AT,
  MAX_OCCURRED_AT_AHEAD_MS,
  implausibleTime,
  parseEvent,
} from './event-validation.ts';

const handover = createHandoverEvent();
const proxy = {
  ...handover,
  recipient: {
    kind: 'proxy',
    nationalCode: '0499370899',
    fullName: 'علی کریمی',
    relation: 'برادر',
    documentRef: 'وکالت‌نامه ۱۲۳',
  },
};
const voidEvent = createVoidEvent(handover.eventId);
const long = (length: number) => 'ب'.repeat(length);

describe('parseEvent accepts', () => {
  it.each([
    ['a handover to the holder', handover],
    ['a handover to a proxy', proxy],
    ['a void', voidEvent],
    ['a time without seconds', { ...handover, occurredAt: '2026-11-25T10:31+03:30' }],
    ['a time in UTC', { ...handover, occurredAt: '2026-11-25T07:01:07Z' }],
    ['texts at their limits', { ...voidEvent, eventId: 'e'.repeat(128), reason: long(500) }],
  ])('%s', (_name, event) => {
    expect(parseEvent(event)).toMatchObject({ ok: true, event });
  });

  it('rebuilds the event equal to the one sent, signature included', () => {
    expect(parseEvent(handover)).toEqual({ ok: true, event: handover });
    expect(parseEvent(voidEvent)).toEqual({ ok: true, event: voidEvent });
  });

  it("keeps a void's approvedBy (2.1), and adds none to a void without one", () => {
    const approved = { ...voidEvent, approvedBy: 'S-09' };
    expect(parseEvent(approved)).toEqual({ ok: true, event: approved });
    expect(parseEvent({ ...voidEvent, approvedBy: 'a'.repeat(128) })).toMatchObject({ ok: true });
    expect(parseEvent(voidEvent)).toEqual({ ok: true, event: voidEvent });
    expect(Object.keys((parseEvent(voidEvent) as { event: object }).event)).not.toContain(
      'approvedBy',
    );
  });
});

describe("parseEvent refuses a void's approvedBy", () => {
  it.each([
    [
      'equal to staffId',
      { ...voidEvent, approvedBy: voidEvent.staffId },
      /approvedBy must be another/,
    ],
    ['empty', { ...voidEvent, approvedBy: '' }, /missing approvedBy/],
    ['null', { ...voidEvent, approvedBy: null }, /missing approvedBy/],
    ['a number', { ...voidEvent, approvedBy: 9 }, /missing approvedBy/],
    ['over 128 characters', { ...voidEvent, approvedBy: 'a'.repeat(129) }, /approvedBy is longer/],
    ['on a handover', { ...handover, approvedBy: 'S-09' }, /unknown member approvedBy/],
  ])('%s', (_name, event, reason) => {
    const parsed = parseEvent(event);
    expect(parsed).toMatchObject({ ok: false, code: 'malformed-event' });
    expect((parsed as { reason: string }).reason).toMatch(reason);
  });
});

describe('parseEvent refuses what it would have to change, since the signature covers it', () => {
  it.each([
    ['a stray member', { ...handover, extra: 'kept?' }, /unknown member extra/],
    ['two stray members', { ...voidEvent, extra: 1, admin: true }, /unknown members extra, admin/],
    [
      'a stray member in the recipient',
      { ...handover, recipient: { ...handover.recipient, note: 'x' } },
      /unknown member recipient.note/,
    ],
    [
      "a holder's relation",
      { ...handover, recipient: { ...handover.recipient, relation: 'خود' } },
      /unknown member recipient.relation/,
    ],
    [
      'a stray check',
      { ...handover, checks: { ...ALL_CHECKS, photoTaken: true } },
      /unknown member checks.photoTaken/,
    ],
    [
      'a void with a recipient',
      { ...voidEvent, recipient: handover.recipient },
      /unknown member recipient/,
    ],
    [
      'a national code in Persian digits',
      { ...handover, recipient: { ...handover.recipient, nationalCode: '۰۰۱۲۳۴۵۶۷۹' } },
      /10 ASCII digits/,
    ],
    [
      'a national code with dashes',
      { ...handover, recipient: { ...handover.recipient, nationalCode: '001-234567-9' } },
      /10 ASCII digits/,
    ],
  ])('%s (malformed-event)', (_name, event, reason) => {
    const parsed = parseEvent(event);
    expect(parsed).toMatchObject({ ok: false, code: 'malformed-event' });
    expect(!parsed.ok && parsed.reason).toMatch(reason);
  });

  it.each([
    ['no signature', { ...handover, signature: undefined }],
    ['an empty signature', { ...voidEvent, signature: '' }],
    ['a signature that is not text', { ...handover, signature: 42 }],
  ])('%s (bad-signature)', (_name, event) => {
    expect(parseEvent(event)).toMatchObject({ ok: false, code: 'bad-signature' });
  });
});

describe('parseEvent rejects, with a reason', () => {
  it.each([
    ['not an object', 'a string', /must be an object/],
    ['an array', [handover], /must be an object/],
    ['no eventId', { ...handover, eventId: undefined }, /missing eventId/],
    ['a blank eventId', { ...handover, eventId: '  ' }, /missing eventId/],
    [
      'an eventId over 128 characters',
      { ...handover, eventId: 'e'.repeat(129) },
      /eventId is longer/,
    ],
    [
      'an unlisted type',
      { ...handover, type: 'handover_later' },
      /type must be handover or handover_void/,
    ],
    ['no cardId', { ...handover, cardId: undefined }, /missing cardId/],
    ['no staffId', { ...handover, staffId: '' }, /missing staffId/],
    ['no deviceId', { ...handover, deviceId: 7 }, /missing deviceId/],
    ['a time without an offset', { ...handover, occurredAt: '2026-11-25 10:31' }, /ISO 8601/],
    ['a time that is not a date', { ...handover, occurredAt: '2026-13-45T10:31:00Z' }, /ISO 8601/],
    ['no recipient', { ...handover, recipient: undefined }, /missing recipient/],
    [
      'an unlisted recipient kind',
      { ...proxy, recipient: { ...proxy.recipient, kind: 'neighbour' } },
      /recipient.kind/,
    ],
    [
      'an invalid national code',
      { ...handover, recipient: { ...handover.recipient, nationalCode: '0012345678' } },
      /nationalCode is invalid/,
    ],
    [
      'a proxy without relation',
      { ...proxy, recipient: { ...proxy.recipient, relation: undefined } },
      /missing recipient.relation/,
    ],
    [
      'a proxy without documentRef',
      { ...proxy, recipient: { ...proxy.recipient, documentRef: '' } },
      /missing recipient.documentRef/,
    ],
    [
      'a recipient name over 500 characters',
      { ...handover, recipient: { ...handover.recipient, fullName: long(501) } },
      /fullName is longer/,
    ],
    ['no checks', { ...handover, checks: undefined }, /missing checks/],
    [
      'a check that is not true or false',
      { ...handover, checks: { ...ALL_CHECKS, feeCollected: 'yes' } },
      /feeCollected must be true or false/,
    ],
    [
      'an unlisted old-card state',
      { ...handover, checks: { ...ALL_CHECKS, oldCard: 'lost' } },
      /oldCard must be collected, not_presented, none/,
    ],
    [
      'a void without handoverEventId',
      { ...voidEvent, handoverEventId: undefined },
      /missing handoverEventId/,
    ],
    ['a void without a reason', { ...voidEvent, reason: '' }, /missing reason/],
    ['a void reason over 500 characters', { ...voidEvent, reason: long(501) }, /reason is longer/],
  ])('%s', (_name, event, reason) => {
    const parsed = parseEvent(event);
    expect(parsed).toMatchObject({ ok: false, code: 'malformed-event' });
    expect(!parsed.ok && parsed.reason).toMatch(reason);
  });
});

describe('implausibleTime, by the registry clock FIXED_NOW', () => {
  const at = (occurredAt: string) => ({ ...handover, occurredAt });
  const aheadBy = (ms: number) => new Date(FIXED_NOW.getTime() + ms).toISOString();

  it.each([
    ['the earliest plausible time', EARLIEST_OCCURRED_AT],
    ['a week ago', '2026-11-18T10:00:00+03:30'],
    ['the registry time itself', FIXED_NOW.toISOString()],
    ['just under a day ahead', aheadBy(MAX_OCCURRED_AT_AHEAD_MS - 1)],
  ])('accepts %s', (_name, occurredAt) => {
    expect(implausibleTime(at(occurredAt), FIXED_NOW)).toBeNull();
  });

  it.each([
    ['a time before 2020', '2019-12-31T23:59:59Z', /before 2020.*clock/],
    [
      'a time just over a day ahead',
      aheadBy(MAX_OCCURRED_AT_AHEAD_MS + 1),
      /more than a day ahead.*clock/,
    ],
    ['a year ahead', '2027-11-25T10:31:07+03:30', /more than a day ahead/],
  ])('refuses %s, naming the clock', (_name, occurredAt, reason) => {
    expect(implausibleTime(at(occurredAt), FIXED_NOW)).toMatch(reason);
  });
});
