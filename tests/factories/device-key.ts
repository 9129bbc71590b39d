// The test tablet's device key: one ECDSA P-256 pair per test process (as a tablet makes at
// enrolment), and the signing the app does when it records an event. Events from the other
// factories carry PLACEHOLDER_SIGNATURE until signed here.
import type { DevicePublicKey, ProtocolEvent, UnsignedEvent } from '../../src/protocol/protocol.ts';
import {
  exportDevicePublicKey,
  generateDeviceKeyPair,
  signEvent,
} from '../../src/domain/event-signature.ts';

/** What an unsigned factory event carries: well formed for the types, never a valid signature. */
export const PLACEHOLDER_SIGNATURE = 'unsigned';

let testKeys: Promise<CryptoKeyPair> | null = null;

/** The test device's key pair, made once per process. */
export function testDeviceKeys(): Promise<CryptoKeyPair> {
  testKeys ??= generateDeviceKeyPair();
  return testKeys;
}

export async function testDevicePublicKey(keys?: CryptoKeyPair): Promise<DevicePublicKey> {
  return exportDevicePublicKey((keys ?? (await testDeviceKeys())).publicKey);
}

/** `event` signed by `keys` (default: the test device's), over everything but its signature. */
export async function signedByTestDevice<Event extends ProtocolEvent>(
  event: Event,
  keys?: CryptoKeyPair,
): Promise<Event> {
  const unsigned: Partial<Event> = { ...event };
  delete unsigned.signature;
  return signEvent<Event>(
    unsigned as UnsignedEvent<Event>,
    (keys ?? (await testDeviceKeys())).privateKey,
  );
}
