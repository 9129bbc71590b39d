// Event signatures (docs/protocol.md, "Signed events"), the same code on the tablet and in the
// registry. The signed bytes are the UTF-8 of the event's RFC 8785 canonical JSON with its
// `signature` member left out; the signature is ECDSA P-256 with SHA-256, as WebCrypto makes it
// (IEEE P1363: r and s, 32 bytes each), in base64url without padding. WebCrypto only, so the
// tablet and Node run the same steps.
import canonicalize from 'canonicalize';
import type { DevicePublicKey, ProtocolEvent, UnsignedEvent } from '../protocol/protocol.ts';

export const DEVICE_KEY_ALGORITHM: EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
const SIGNING_ALGORITHM: EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };
const SIGNATURE_BYTES = 64;
const COORDINATE_BYTES = 32;

/** The event's canonical text: RFC 8785 JSON of every member but `signature`. */
export function canonicalEventText(event: object): string {
  const signed: Record<string, unknown> = { ...event };
  delete signed.signature;
  const text = canonicalize(signed);
  if (text === undefined) throw new TypeError('an event must be a JSON object');
  return text;
}

/**
 * A new device key pair. The private key is not extractable: it can sign on this device and
 * nowhere else, and no script (not even the app's) can read it out of IndexedDB.
 */
export async function generateDeviceKeyPair(): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey(DEVICE_KEY_ALGORITHM, false, ['sign', 'verify']);
}

/** The public half as the protocol's JWK, for enrolment. */
export async function exportDevicePublicKey(publicKey: CryptoKey): Promise<DevicePublicKey> {
  const jwk = await crypto.subtle.exportKey('jwk', publicKey);
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !jwk.x || !jwk.y)
    throw new TypeError('not an ECDSA P-256 public key');
  return { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y };
}

/** True for a JWK with exactly the members of an ECDSA P-256 public key, well formed. */
export function isDevicePublicKey(value: unknown): value is DevicePublicKey {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const key = value as Record<string, unknown>;
  const keys = Object.keys(key).sort().join(',');
  return (
    keys === 'crv,kty,x,y' &&
    key.kty === 'EC' &&
    key.crv === 'P-256' &&
    isBase64UrlOfLength(key.x, COORDINATE_BYTES) &&
    isBase64UrlOfLength(key.y, COORDINATE_BYTES)
  );
}

/** Reads a device's public key for verifying; throws if it is not a point on P-256. */
export async function importDevicePublicKey(publicKey: DevicePublicKey): Promise<CryptoKey> {
  if (!isDevicePublicKey(publicKey)) throw new TypeError('not an ECDSA P-256 public key');
  return crypto.subtle.importKey('jwk', { ...publicKey, ext: true }, DEVICE_KEY_ALGORITHM, false, [
    'verify',
  ]);
}

/** The event with its signature by `privateKey`. */
export async function signEvent<Event extends ProtocolEvent>(
  event: UnsignedEvent<Event>,
  privateKey: CryptoKey,
): Promise<Event> {
  const bytes = new TextEncoder().encode(canonicalEventText(event));
  const signature = await crypto.subtle.sign(SIGNING_ALGORITHM, privateKey, bytes);
  return { ...event, signature: toBase64Url(new Uint8Array(signature)) } as Event;
}

/** True when `event.signature` is `publicKey`'s signature of the event's canonical text. */
export async function verifyEventSignature(event: object, publicKey: CryptoKey): Promise<boolean> {
  const signature = (event as { signature?: unknown }).signature;
  if (!isBase64UrlOfLength(signature, SIGNATURE_BYTES)) return false;
  let text: string;
  try {
    text = canonicalEventText(event);
  } catch {
    // A lone surrogate or a value JSON cannot hold: no canonical form, so nothing was signed.
    return false;
  }
  return crypto.subtle.verify(
    SIGNING_ALGORITHM,
    publicKey,
    fromBase64Url(signature),
    new TextEncoder().encode(text),
  );
}

export function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

function isBase64UrlOfLength(value: unknown, byteLength: number): value is string {
  // Unpadded base64url of n bytes has exactly ceil(4n/3) characters.
  return (
    typeof value === 'string' &&
    value.length === Math.ceil((byteLength * 4) / 3) &&
    BASE64URL.test(value) &&
    fromBase64Url(value).length === byteLength
  );
}
