// The file a tablet that cannot send (its device withdrawn, or leaving its center) gives the
// office: every event the registry has not taken, signed as recorded, with the public key that
// verifies them, so the registry's staff can still check and load each one (docs/formats.md,
// "Unsent events file"). Must stay true: the file holds every unsent or refused-and-unsettled
// event, and the tablet notes them as kept elsewhere only once the saved file has been read back
// and found to hold every one of them, signature for signature (a download can be cancelled or
// fail without the page ever knowing).
import type { TahvilDatabase } from './database.ts';
import type { OutboxRecord } from './records.ts';
import type { DevicePublicKey, ProtocolEvent } from '../protocol/protocol.ts';
import { isUnsettled } from '../domain/event-sync.ts';
import { canonicalEventText } from '../domain/event-signature.ts';
import { isProtocolEvent } from './records.ts';
import { markExportedThrough, readDeviceKey } from './enrolment.ts';
import { readSettings } from './settings.ts';

export const UNSENT_EVENTS_FORMAT = 'tahvil-unsent-events';
export const UNSENT_EVENTS_FORMAT_VERSION = 1;

export interface UnsentEventEntry {
  /** pending / sending: never answered; conflict / rejected: refused, not yet settled. */
  syncState: OutboxRecord['syncState'];
  serverReason: string | null;
  /** The registry's code for a refusal (1.3); null when there was none. */
  serverCode: string | null;
  staffName: string;
  event: ProtocolEvent;
}

export interface UnsentEventsFile {
  format: typeof UNSENT_EVENTS_FORMAT;
  formatVersion: typeof UNSENT_EVENTS_FORMAT_VERSION;
  exportedAt: string;
  centerId: string;
  centerName: string;
  deviceId: string;
  /** Verifies every event's signature; null only if the key is gone (left the center). */
  publicKey: DevicePublicKey | null;
  /** Recording order. */
  events: UnsentEventEntry[];
}

/** The file's content: every event that is unsent, or refused and not yet settled, as signed. */
export async function buildUnsentEventsFile(
  db: TahvilDatabase,
  now: Date,
): Promise<UnsentEventsFile> {
  return db.transaction('r', [db.events, db.settings], async () => {
    const [settings, key, records] = await Promise.all([
      readSettings(db),
      readDeviceKey(db),
      db.events.orderBy('seq').filter(isUnsettled).toArray(),
    ]);
    const events = records.flatMap((record): UnsentEventEntry[] =>
      isProtocolEvent(record.event)
        ? [
            {
              syncState: record.syncState,
              serverReason: record.serverReason,
              serverCode: record.serverCode ?? null,
              staffName: record.staffName,
              event: record.event,
            },
          ]
        : [],
    );
    return {
      format: UNSENT_EVENTS_FORMAT,
      formatVersion: UNSENT_EVENTS_FORMAT_VERSION,
      exportedAt: now.toISOString(),
      centerId: settings.centerId,
      centerName: settings.centerName,
      deviceId: settings.deviceId,
      publicKey: key?.publicJwk ?? null,
      events,
    };
  });
}

/** `tahvil-unsent-DEMO-01-<device>-2026-12-01T10-31.json`: who, and when. */
export function unsentEventsFileName(file: UnsentEventsFile): string {
  const safe = (text: string) => text.replace(/[^A-Za-z0-9-]+/g, '_').slice(0, 40);
  const stamp = file.exportedAt.slice(0, 16).replace(/:/g, '-');
  return `tahvil-unsent-${safe(file.centerId)}-${safe(file.deviceId).slice(0, 8)}-${stamp}.json`;
}

/** An event with its signature, canonically: equal exactly when every member is. */
function signedForm(event: object): string {
  const { signature } = event as { signature?: unknown };
  return `${canonicalEventText(event)}\n${String(signature)}`;
}

export type UnsentFileCheck =
  | { ok: true; events: number }
  | { ok: false; problem: 'not-a-file' | 'other-device' }
  | { ok: false; problem: 'missing-events'; missing: number };

/**
 * Reads a saved unsent-events file back. When it is this device's and holds every event that is
 * unsent or refused and unsettled now, exactly as signed, those events no longer hold the tablet
 * in its center (db/enrolment.ts, `discardExported`); otherwise nothing changes.
 */
export async function confirmUnsentEventsFile(
  db: TahvilDatabase,
  text: string,
): Promise<UnsentFileCheck> {
  let file: Partial<UnsentEventsFile>;
  try {
    file = JSON.parse(text) as Partial<UnsentEventsFile>;
  } catch {
    return { ok: false, problem: 'not-a-file' };
  }
  if (
    typeof file !== 'object' ||
    file === null ||
    file.format !== UNSENT_EVENTS_FORMAT ||
    !Array.isArray(file.events)
  )
    return { ok: false, problem: 'not-a-file' };
  // Each saved event by id, in its canonical form: the office must get every one exactly as it
  // was signed, and any change to a member (an editor "fixing" a name) would fail it there.
  const saved = new Map<string, string>();
  for (const entry of file.events as unknown[]) {
    const event = (entry as { event?: { eventId?: unknown } } | null)?.event;
    if (typeof event?.eventId !== 'string') continue;
    try {
      saved.set(event.eventId, signedForm(event));
    } catch {
      // Not an event JSON can hold: it matches nothing.
    }
  }
  return db.transaction('rw', [db.events, db.settings], async () => {
    const { deviceId } = await readSettings(db);
    if (file.deviceId !== deviceId) return { ok: false, problem: 'other-device' } as const;
    const unsettled = (await db.events.orderBy('seq').filter(isUnsettled).toArray()).filter(
      (record) => isProtocolEvent(record.event),
    );
    const missing = unsettled.filter(
      (record) => saved.get(record.eventId) !== signedForm(record.event),
    ).length;
    if (missing > 0) return { ok: false, problem: 'missing-events', missing } as const;
    const newest = unsettled.reduce((seq, record) => Math.max(seq, record.seq ?? 0), 0);
    await markExportedThrough(db, newest);
    return { ok: true, events: unsettled.length } as const;
  });
}
