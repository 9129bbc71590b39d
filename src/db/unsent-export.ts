// The file a tablet that cannot send (its device withdrawn, or leaving its center) gives the
// office: every event the registry has not taken, signed as recorded, with the public key that
// verifies them, so the registry's staff can still check and load each one (docs/formats.md,
// "Unsent events file"). Must stay true: the file holds every unsent or refused-and-unsettled
// event up to the seq it names, and the tablet notes that seq only after the file was handed over.
import type { TahvilDatabase } from './database.ts';
import type { OutboxRecord } from './records.ts';
import type { DevicePublicKey, ProtocolEvent } from '../protocol/protocol.ts';
import { needsAttention } from '../domain/event-sync.ts';
import { isProtocolEvent } from './records.ts';
import { markExportedThrough, readDeviceKey } from './enrolment.ts';
import { readSettings } from './settings.ts';

export const UNSENT_EVENTS_FORMAT = 'tahvil-unsent-events';
export const UNSENT_EVENTS_FORMAT_VERSION = 1;

export interface UnsentEventEntry {
  /** pending / sending: never answered; conflict / rejected: refused, not yet settled. */
  syncState: OutboxRecord['syncState'];
  serverReason: string | null;
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

function isUnsettled(record: OutboxRecord): boolean {
  return record.syncState === 'pending' || record.syncState === 'sending' || needsAttention(record);
}

/** The file's content, and the newest seq it covers (for markExportedThrough). */
export async function buildUnsentEventsFile(
  db: TahvilDatabase,
  now: Date,
): Promise<{ file: UnsentEventsFile; throughSeq: number }> {
  return db.transaction('r', [db.events, db.settings], async () => {
    const [settings, key, records] = await Promise.all([
      readSettings(db),
      readDeviceKey(db),
      db.events.orderBy('seq').filter(isUnsettled).toArray(),
    ]);
    const newest = await db.events.orderBy('seq').lastKey();
    const events = records.flatMap((record): UnsentEventEntry[] =>
      isProtocolEvent(record.event)
        ? [
            {
              syncState: record.syncState,
              serverReason: record.serverReason,
              staffName: record.staffName,
              event: record.event,
            },
          ]
        : [],
    );
    return {
      file: {
        format: UNSENT_EVENTS_FORMAT,
        formatVersion: UNSENT_EVENTS_FORMAT_VERSION,
        exportedAt: now.toISOString(),
        centerId: settings.centerId,
        centerName: settings.centerName,
        deviceId: settings.deviceId,
        publicKey: key?.publicJwk ?? null,
        events,
      },
      throughSeq: typeof newest === 'number' ? newest : 0,
    };
  });
}

/** `tahvil-unsent-DEMO-01-<device>-2026-12-01T10-31.json`: who, and when. */
export function unsentEventsFileName(file: UnsentEventsFile): string {
  const safe = (text: string) => text.replace(/[^A-Za-z0-9-]+/g, '_').slice(0, 40);
  const stamp = file.exportedAt.slice(0, 16).replace(/:/g, '-');
  return `tahvil-unsent-${safe(file.centerId)}-${safe(file.deviceId).slice(0, 8)}-${stamp}.json`;
}

/** After the file was handed to the browser: the events it holds no longer hold the tablet. */
export async function noteUnsentEventsExported(db: TahvilDatabase, throughSeq: number) {
  await markExportedThrough(db, throughSeq);
}
