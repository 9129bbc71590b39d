import { createPublicKey, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { HandoverEvent, UnsignedEvent } from '../protocol/protocol.ts';
import {
  canonicalEventText,
  exportDevicePublicKey,
  fromBase64Url,
  generateDeviceKeyPair,
  importDevicePublicKey,
  isDevicePublicKey,
  signEvent,
  toBase64Url,
  verifyEventSignature,
} from './event-signature.ts';

const EVENT: UnsignedEvent<HandoverEvent> = {
  type: 'handover',
  eventId: '0b6f3c1e-7a52-4c8e-9d0f-2a7b61c4e001',
  cardId: 'C-0000001',
  occurredAt: '2026-12-01T10:31:00+03:30',
  staffId: 'S-07',
  deviceId: 'tablet-1',
  recipient: { kind: 'holder', nationalCode: '0012345679', fullName: 'زهرا محمدی' },
  checks: {
    identityVerified: true,
    birthCertificateSeen: true,
    oldCard: 'collected',
    feeCollected: true,
    biometricConfirmed: false,
  },
};

describe('canonicalEventText', () => {
  it('is RFC 8785: members sorted by UTF-16 code units, no spaces, text as written', () => {
    expect(canonicalEventText(EVENT)).toBe(
      '{"cardId":"C-0000001","checks":{"biometricConfirmed":false,"birthCertificateSeen":true,' +
        '"feeCollected":true,"identityVerified":true,"oldCard":"collected"},' +
        '"deviceId":"tablet-1","eventId":"0b6f3c1e-7a52-4c8e-9d0f-2a7b61c4e001",' +
        '"occurredAt":"2026-12-01T10:31:00+03:30",' +
        '"recipient":{"fullName":"زهرا محمدی","kind":"holder","nationalCode":"0012345679"},' +
        '"staffId":"S-07","type":"handover"}',
    );
  });

  it('leaves out the signature and only the signature', () => {
    expect(canonicalEventText({ ...EVENT, signature: 'x' })).toBe(canonicalEventText(EVENT));
  });

  it('escapes as RFC 8785 does: control characters as \\u00xx, quote and backslash, nothing else', () => {
    expect(canonicalEventText({ reason: 'a"b\\c\n\u0001\u200c€' })).toBe(
      '{"reason":"a\\"b\\\\c\\n\\u0001\u200c€"}',
    );
  });

  it('refuses text no canonical form can hold', () => {
    expect(() => canonicalEventText({ reason: '\ud800' })).toThrow();
  });
});

describe('signEvent and verifyEventSignature', () => {
  it('signs with a key that cannot be exported, and verifies with the public half', async () => {
    const keys = await generateDeviceKeyPair();
    expect(keys.privateKey.extractable).toBe(false);
    await expect(crypto.subtle.exportKey('jwk', keys.privateKey)).rejects.toThrow();
    const signed = await signEvent(EVENT, keys.privateKey);
    expect(signed).toEqual({ ...EVENT, signature: expect.stringMatching(/^[A-Za-z0-9_-]{86}$/) });
    const publicKey = await importDevicePublicKey(await exportDevicePublicKey(keys.publicKey));
    expect(await verifyEventSignature(signed, publicKey)).toBe(true);
  });

  it('fails on any change to a signed member, a missing or malformed signature, or another key', async () => {
    const keys = await generateDeviceKeyPair();
    const other = await generateDeviceKeyPair();
    const signed = await signEvent(EVENT, keys.privateKey);
    const publicKey = keys.publicKey;
    const changed = [
      { ...signed, cardId: 'C-0000002' },
      { ...signed, recipient: { ...signed.recipient, fullName: 'زهرا محمدي' } },
      { ...signed, checks: { ...signed.checks, feeCollected: false } },
      { ...signed, extra: true },
      { ...signed, signature: undefined },
      { ...signed, signature: '' },
      { ...signed, signature: signed.signature.slice(1) },
      { ...signed, signature: `${signed.signature.slice(0, -2)}AA` },
      { ...signed, signature: 'not base64url at all!'.padEnd(86, '!') },
    ];
    for (const event of changed) expect(await verifyEventSignature(event, publicKey)).toBe(false);
    expect(await verifyEventSignature(signed, other.publicKey)).toBe(false);
  });

  it('makes signatures node:crypto verifies as IEEE P1363 over the canonical UTF-8', async () => {
    const keys = await generateDeviceKeyPair();
    const signed = await signEvent(EVENT, keys.privateKey);
    const key = createPublicKey({
      key: { ...(await exportDevicePublicKey(keys.publicKey)) },
      format: 'jwk',
    });
    const data = Buffer.from(canonicalEventText(signed), 'utf8');
    expect(
      verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, fromBase64Url(signed.signature)),
    ).toBe(true);
  });
});

describe('device public keys', () => {
  it('accepts exactly an ECDSA P-256 public JWK', async () => {
    const keys = await generateDeviceKeyPair();
    const jwk = await exportDevicePublicKey(keys.publicKey);
    expect(isDevicePublicKey(jwk)).toBe(true);
    for (const bad of [
      null,
      'key',
      [],
      { ...jwk, d: jwk.x },
      { ...jwk, crv: 'P-384' },
      { ...jwk, kty: 'RSA' },
      { ...jwk, x: jwk.x.slice(1) },
      { ...jwk, y: `${jwk.y}=` },
      { kty: 'EC', crv: 'P-256', x: jwk.x },
    ])
      expect(isDevicePublicKey(bad)).toBe(false);
  });

  it('refuses to import coordinates that are not a point on the curve', async () => {
    const keys = await generateDeviceKeyPair();
    const jwk = await exportDevicePublicKey(keys.publicKey);
    const offCurve = { ...jwk, y: toBase64Url(new Uint8Array(32).fill(7)) };
    await expect(importDevicePublicKey(offCurve)).rejects.toThrow();
  });
});
