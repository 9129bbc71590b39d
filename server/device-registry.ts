// The registry's enrolled devices and one-time enrolment codes (docs/protocol.md, "Enrolment"
// and "Device identity"), with no I/O. Must stay true: neither a code nor a device token is ever
// kept, only its SHA-256 digest; a code enrols one device once, before it expires; a device
// enrolled again (with a new code) loses its old token and key at once; a withdrawn device keeps
// its record, so its token is answered `device_withdrawn`, never taken for another's.
import { createHash, randomBytes, randomInt } from 'node:crypto';
import type { DevicePublicKey, DeviceRecord, DeviceStatus } from '../src/protocol/protocol.ts';
import { importDevicePublicKey } from '../src/domain/event-signature.ts';
import { makeEnrolmentCode } from '../src/domain/enrolment-code.ts';

/** A device as kept and persisted: its token only as a digest. */
export interface StoredDevice {
  deviceId: string;
  centerId: string;
  publicKey: DevicePublicKey;
  /** SHA-256 of the device token, hex. */
  tokenDigest: string;
  status: DeviceStatus;
  enrolledAt: string;
  withdrawnAt: string | null;
}

/** An enrolment code as kept and persisted: only its digest, never the digits. */
export interface StoredEnrolmentCode {
  /** SHA-256 of the twelve ASCII digits, hex. */
  codeDigest: string;
  centerId: string;
  issuedAt: string;
  expiresAt: string;
  usedAt: string | null;
  usedBy: string | null;
}

export type EnrolmentRefusal = 'invalid' | 'expired' | 'used' | 'device-id-taken';

export type EnrolmentOutcome =
  { ok: true; device: StoredDevice; token: string } | { ok: false; refusal: EnrolmentRefusal };

export type DeviceChanges = { devices: StoredDevice[]; enrolmentCodes: StoredEnrolmentCode[] };

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** A device token nobody can guess: 32 random bytes, base64url. */
export function newDeviceToken(): string {
  return randomBytes(32).toString('base64url');
}

/** A new enrolment code's twelve digits, each from the system's cryptographic source. */
export function newEnrolmentCode(): string {
  return makeEnrolmentCode(() => randomInt(10));
}

/** The protocol's view of a device: no key, no digest. */
export function deviceRecord(device: StoredDevice): DeviceRecord {
  return {
    deviceId: device.deviceId,
    centerId: device.centerId,
    status: device.status,
    enrolledAt: device.enrolledAt,
    withdrawnAt: device.withdrawnAt,
  };
}

export class DeviceRegistry {
  private readonly devices = new Map<string, StoredDevice>();
  private readonly deviceByTokenDigest = new Map<string, StoredDevice>();
  private readonly codes = new Map<string, StoredEnrolmentCode>();
  /** Keyed by the record, so a device enrolled again never verifies with its old key. */
  private readonly keys = new WeakMap<StoredDevice, Promise<CryptoKey>>();
  /**
   * When the registry last authenticated a request as each device (protocol 2.2, the day feed's
   * `lastHeardAt`). In memory only, like the enrolment guard: a restart forgets it, and writing
   * a journal line for every request would cost more than "last heard" is worth.
   */
  private readonly heardAt = new Map<string, string>();
  private changedDevices = new Map<string, StoredDevice>();
  private changedCodes = new Map<string, StoredEnrolmentCode>();

  constructor(
    private readonly now: () => Date,
    /** Called on every change, so the owner's revision moves and the persister writes. */
    private readonly changed: () => void,
  ) {}

  /** Replays stored records over the registry (a snapshot, then journal lines after it). */
  merge(devices: readonly StoredDevice[], codes: readonly StoredEnrolmentCode[]): void {
    for (const device of devices) this.putDevice(device, false);
    for (const code of codes) this.codes.set(code.codeDigest, code);
  }

  /** Every device and code, for a snapshot; live records, do not mutate. */
  all(): DeviceChanges {
    return { devices: [...this.devices.values()], enrolmentCodes: [...this.codes.values()] };
  }

  /** What changed since the last call, for the journal. */
  takeChanges(): DeviceChanges {
    const changes = {
      devices: [...this.changedDevices.values()],
      enrolmentCodes: [...this.changedCodes.values()],
    };
    this.changedDevices = new Map();
    this.changedCodes = new Map();
    return changes;
  }

  /**
   * Issues a code for `centerId` valid `validMinutes` from now; answers its digits, which are
   * not kept. A new code that happens to equal a live one is drawn again.
   */
  issueCode(
    centerId: string,
    validMinutes: number,
    draw: () => string = newEnrolmentCode,
  ): { code: string; stored: StoredEnrolmentCode } {
    let code = draw();
    while (this.codes.has(sha256Hex(code))) code = draw();
    const issued = this.now();
    const stored: StoredEnrolmentCode = {
      codeDigest: sha256Hex(code),
      centerId,
      issuedAt: issued.toISOString(),
      expiresAt: new Date(issued.getTime() + validMinutes * 60_000).toISOString(),
      usedAt: null,
      usedBy: null,
    };
    this.codes.set(stored.codeDigest, stored);
    this.changedCodes.set(stored.codeDigest, stored);
    this.changed();
    return { code, stored };
  }

  /**
   * Uses `code` (twelve ASCII digits) to enrol `deviceId` with `publicKey` at the code's center.
   * A device id names one enrolment for ever: one the registry knows, at any center and in any
   * state, is refused (`device-id-taken`, the code kept unused). Device ids travel on every event,
   * so taking over a known one with any valid code would cut a working tablet off; and a
   * withdrawn device keeps its key, which still verifies the events it exported.
   */
  enrol(code: string, deviceId: string, publicKey: DevicePublicKey): EnrolmentOutcome {
    const stored = this.codes.get(sha256Hex(code));
    if (!stored) return { ok: false, refusal: 'invalid' };
    if (stored.usedAt !== null) return { ok: false, refusal: 'used' };
    const now = this.now();
    if (Date.parse(stored.expiresAt) <= now.getTime()) return { ok: false, refusal: 'expired' };
    if (this.devices.has(deviceId)) return { ok: false, refusal: 'device-id-taken' };
    const at = now.toISOString();
    const usedCode: StoredEnrolmentCode = { ...stored, usedAt: at, usedBy: deviceId };
    this.codes.set(usedCode.codeDigest, usedCode);
    this.changedCodes.set(usedCode.codeDigest, usedCode);
    const token = newDeviceToken();
    const device: StoredDevice = {
      deviceId,
      centerId: stored.centerId,
      publicKey: { kty: publicKey.kty, crv: publicKey.crv, x: publicKey.x, y: publicKey.y },
      tokenDigest: sha256Hex(token),
      status: 'active',
      enrolledAt: at,
      withdrawnAt: null,
    };
    this.putDevice(device, true);
    return { ok: true, device, token };
  }

  /** Withdraws a device: its token is refused with `device_withdrawn` from now on. */
  withdraw(deviceId: string): StoredDevice | undefined {
    const device = this.devices.get(deviceId);
    if (!device) return undefined;
    if (device.status === 'withdrawn') return device;
    const withdrawn: StoredDevice = {
      ...device,
      status: 'withdrawn',
      withdrawnAt: this.now().toISOString(),
    };
    this.putDevice(withdrawn, true);
    return withdrawn;
  }

  /** The device a token belongs to, looked up by the token's digest. */
  deviceForToken(token: string): StoredDevice | undefined {
    return this.deviceByTokenDigest.get(sha256Hex(token));
  }

  /** Notes that a request was just authenticated as `deviceId` (Device identity steps 1–4). */
  heard(deviceId: string): void {
    this.heardAt.set(deviceId, this.now().toISOString());
  }

  /** When a request was last authenticated as `deviceId`; null if none since the start. */
  lastHeardAt(deviceId: string): string | null {
    return this.heardAt.get(deviceId) ?? null;
  }

  device(deviceId: string): StoredDevice | undefined {
    return this.devices.get(deviceId);
  }

  devicesOf(centerId: string): StoredDevice[] {
    return [...this.devices.values()].filter((device) => device.centerId === centerId);
  }

  /** The device's public key for verifying, imported once per enrolment. */
  verifyingKey(device: StoredDevice): Promise<CryptoKey> {
    let key = this.keys.get(device);
    if (!key) {
      key = importDevicePublicKey(device.publicKey);
      this.keys.set(device, key);
    }
    return key;
  }

  private putDevice(device: StoredDevice, track: boolean): void {
    const previous = this.devices.get(device.deviceId);
    if (previous) this.deviceByTokenDigest.delete(previous.tokenDigest);
    this.devices.set(device.deviceId, device);
    this.deviceByTokenDigest.set(device.tokenDigest, device);
    if (previous && previous.publicKey === device.publicKey) {
      // A withdrawal keeps the key: the cached import stays good for its new record.
      const key = this.keys.get(previous);
      if (key) this.keys.set(device, key);
    }
    if (track) {
      this.changedDevices.set(device.deviceId, device);
      this.changed();
    }
  }
}
