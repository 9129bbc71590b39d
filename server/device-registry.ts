// The registry's enrolled devices and one-time enrolment codes (docs/protocol.md, "Enrolment"
// and "Device identity"), in the registry's database. Must stay true: neither a code nor a device token is ever
// kept, only its SHA-256 digest; a code enrols one device once, before it expires; a device
// enrolled again (with a new code) loses its old token and key at once; a withdrawn device keeps
// its record, so its token is answered `device_withdrawn`, never taken for another's.
import { createHash, randomBytes, randomInt } from 'node:crypto';
import type { DevicePublicKey, DeviceRecord, DeviceStatus } from '../src/protocol/protocol.ts';
import { importDevicePublicKey } from '../src/domain/event-signature.ts';
import { makeEnrolmentCode } from '../src/domain/enrolment-code.ts';
import type { SqlDatabase } from './database/sql.ts';

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

export type DevicesAndCodes = { devices: StoredDevice[]; enrolmentCodes: StoredEnrolmentCode[] };

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

/** Imported keys kept at most: every tablet of a province, with room. */
const MAX_CACHED_KEYS = 20_000;

export class DeviceRegistry {
  /** By device id and key, so a device enrolled again never verifies with its old key. */
  private readonly keys = new Map<string, Promise<CryptoKey>>();
  /**
   * When the registry last authenticated a request as each device (protocol 2.2, the day feed's
   * `lastHeardAt`). In memory only, like the enrolment guard: a restart forgets it, and a write
   * for every request would cost more than "last heard" is worth.
   */
  private readonly heardAt = new Map<string, string>();

  constructor(
    private readonly db: SqlDatabase,
    private readonly now: () => Date,
  ) {}

  /** Every device and code (an export, tests). */
  async all(): Promise<DevicesAndCodes> {
    const devices = await this.db.query<{ device: string }>(
      'SELECT device FROM devices ORDER BY device_id',
    );
    const codes = await this.db.query<{ code: string }>(
      'SELECT code FROM enrolment_codes ORDER BY code_digest',
    );
    return {
      devices: devices.map((row) => JSON.parse(row.device) as StoredDevice),
      enrolmentCodes: codes.map((row) => JSON.parse(row.code) as StoredEnrolmentCode),
    };
  }

  /**
   * Issues a code for `centerId` valid `validMinutes` from now; answers its digits, which are
   * not kept. A new code that happens to equal a kept one is drawn again.
   */
  async issueCode(
    centerId: string,
    validMinutes: number,
    draw: () => string = newEnrolmentCode,
  ): Promise<{ code: string; stored: StoredEnrolmentCode }> {
    for (;;) {
      const code = draw();
      const issued = this.now();
      const stored: StoredEnrolmentCode = {
        codeDigest: sha256Hex(code),
        centerId,
        issuedAt: issued.toISOString(),
        expiresAt: new Date(issued.getTime() + validMinutes * 60_000).toISOString(),
        usedAt: null,
        usedBy: null,
      };
      const inserted = await this.db.query(
        `INSERT INTO enrolment_codes (code_digest, center_id, code) VALUES ($1, $2, $3)
         ON CONFLICT (code_digest) DO NOTHING RETURNING code_digest`,
        [stored.codeDigest, centerId, JSON.stringify(stored)],
      );
      if (inserted.length === 1) return { code, stored };
    }
  }

  /**
   * Uses `code` (twelve ASCII digits) to enrol `deviceId` with `publicKey` at the code's center.
   * A device id names one enrolment for ever: one the registry knows, at any center and in any
   * state, is refused (`device-id-taken`, the code kept unused). Device ids travel on every event,
   * so taking over a known one with any valid code would cut a working tablet off; and a
   * withdrawn device keeps its key, which still verifies the events it exported.
   */
  async enrol(
    code: string,
    deviceId: string,
    publicKey: DevicePublicKey,
  ): Promise<EnrolmentOutcome> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query<{ code: string }>(
        'SELECT code FROM enrolment_codes WHERE code_digest = $1 FOR UPDATE',
        [sha256Hex(code)],
      );
      if (!row) return { ok: false, refusal: 'invalid' };
      const stored = JSON.parse(row.code) as StoredEnrolmentCode;
      if (stored.usedAt !== null) return { ok: false, refusal: 'used' };
      const now = this.now();
      if (Date.parse(stored.expiresAt) <= now.getTime()) return { ok: false, refusal: 'expired' };
      const taken = await tx.query('SELECT 1 FROM devices WHERE device_id = $1', [deviceId]);
      if (taken.length > 0) return { ok: false, refusal: 'device-id-taken' };
      const at = now.toISOString();
      const usedCode: StoredEnrolmentCode = { ...stored, usedAt: at, usedBy: deviceId };
      await tx.query('UPDATE enrolment_codes SET code = $2 WHERE code_digest = $1', [
        usedCode.codeDigest,
        JSON.stringify(usedCode),
      ]);
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
      // A device id taken by an enrolment committing meanwhile fails here, and nothing is kept.
      await tx.query(
        'INSERT INTO devices (device_id, center_id, token_digest, device) VALUES ($1, $2, $3, $4)',
        [deviceId, device.centerId, device.tokenDigest, JSON.stringify(device)],
      );
      return { ok: true, device, token };
    });
  }

  /** Withdraws a device: its token is refused with `device_withdrawn` from now on. */
  async withdraw(deviceId: string): Promise<StoredDevice | undefined> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query<{ device: string }>(
        'SELECT device FROM devices WHERE device_id = $1 FOR UPDATE',
        [deviceId],
      );
      if (!row) return undefined;
      const device = JSON.parse(row.device) as StoredDevice;
      if (device.status === 'withdrawn') return device;
      const withdrawn: StoredDevice = {
        ...device,
        status: 'withdrawn',
        withdrawnAt: this.now().toISOString(),
      };
      await tx.query('UPDATE devices SET device = $2 WHERE device_id = $1', [
        deviceId,
        JSON.stringify(withdrawn),
      ]);
      return withdrawn;
    });
  }

  /** The device a token belongs to, looked up by the token's digest. */
  async deviceForToken(token: string): Promise<StoredDevice | undefined> {
    const [row] = await this.db.query<{ device: string }>(
      'SELECT device FROM devices WHERE token_digest = $1',
      [sha256Hex(token)],
    );
    return row ? (JSON.parse(row.device) as StoredDevice) : undefined;
  }

  /** Notes that a request was just authenticated as `deviceId` (Device identity steps 1–4). */
  heard(deviceId: string): void {
    this.heardAt.set(deviceId, this.now().toISOString());
  }

  /** When a request was last authenticated as `deviceId`; null if none since the start. */
  lastHeardAt(deviceId: string): string | null {
    return this.heardAt.get(deviceId) ?? null;
  }

  async device(deviceId: string): Promise<StoredDevice | undefined> {
    const [row] = await this.db.query<{ device: string }>(
      'SELECT device FROM devices WHERE device_id = $1',
      [deviceId],
    );
    return row ? (JSON.parse(row.device) as StoredDevice) : undefined;
  }

  /** A center's devices, oldest enrolment first. */
  async devicesOf(centerId: string): Promise<StoredDevice[]> {
    const rows = await this.db.query<{ device: string }>(
      `SELECT device FROM devices WHERE center_id = $1
        ORDER BY (device::json)->>'enrolledAt', device_id`,
      [centerId],
    );
    return rows.map((row) => JSON.parse(row.device) as StoredDevice);
  }

  /** The device's public key for verifying, imported once per enrolment. */
  verifyingKey(device: StoredDevice): Promise<CryptoKey> {
    const cacheKey = `${device.deviceId}\n${device.publicKey.x}\n${device.publicKey.y}`;
    let key = this.keys.get(cacheKey);
    if (!key) {
      if (this.keys.size >= MAX_CACHED_KEYS) this.keys.clear();
      key = importDevicePublicKey(device.publicKey);
      // A key that failed to import is not kept: the next push tries again.
      key.catch(() => this.keys.delete(cacheKey));
      this.keys.set(cacheKey, key);
    }
    return key;
  }
}
