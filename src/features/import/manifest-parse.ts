// Reads a manifest file a slice at a time and checks every row (src/domain/manifest.ts). It runs
// in the import's web worker in the app (manifest-import.worker.ts) and in-process in tests. Must
// stay true: the next slice is read only after every batch of the previous one has been handed
// over and written, so a 100,000-row file never sits in memory whole.
import { createManifestCsvReader } from '../../domain/manifest-csv.ts';
import {
  createManifestRowChecker,
  mapManifestHeader,
  type ManifestCardDraft,
  type ManifestColumn,
  type ManifestProblem,
  type ManifestRowChecker,
} from '../../domain/manifest.ts';

/** Bytes read per slice; decoding keeps a character split between slices whole. */
export const MANIFEST_SLICE_BYTES = 256 * 1024;
/** Rows per batch the page writes in one transaction. */
export const MANIFEST_BATCH_ROWS = 2000;

export interface RejectedManifestRow {
  line: number;
  /** The row's card_id cell as written, so the manager can find the row without the line number. */
  cardId: string;
  problems: ManifestProblem[];
}

export interface ManifestBatch {
  cards: Array<{ line: number; card: ManifestCardDraft }>;
  rejected: RejectedManifestRow[];
  /** Rows read so far, blank rows not counted. */
  rowsRead: number;
  bytesRead: number;
  totalBytes: number;
}

export type ManifestParseEnd =
  | { kind: 'done'; rowsRead: number }
  /** The header lacks required columns or names one twice: nothing was imported. */
  | { kind: 'refused'; missing: ManifestColumn[]; duplicate: ManifestColumn[] }
  /** The bytes are not UTF-8 text (an old Windows-1256 export, a spreadsheet saved as .xlsx). */
  | { kind: 'unreadable'; reason: 'not-utf8' };

/** Reads `file` and hands each batch to `onBatch`, waiting for it before reading on. */
export async function parseManifestFile(
  file: Blob,
  onBatch: (batch: ManifestBatch) => Promise<void>,
): Promise<ManifestParseEnd> {
  const reader = createManifestCsvReader();
  // fatal: a file that is not UTF-8 is refused instead of imported as mojibake.
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let check: ManifestRowChecker | null = null;
  let cardIdKey = '';
  let rowsRead = 0;

  // Batches filled by the slice just read; each is handed over (and written) before the next slice is read.
  const full: ManifestBatch[] = [];
  const newBatch = (): ManifestBatch => ({
    cards: [],
    rejected: [],
    rowsRead,
    bytesRead: 0,
    totalBytes: file.size,
  });
  let batch = newBatch();

  const take = (piece: ReturnType<typeof reader.push>): ManifestParseEnd | null => {
    if (piece.header !== undefined) {
      const header = mapManifestHeader(piece.header);
      if (!header.ok)
        return { kind: 'refused', missing: header.missing, duplicate: header.duplicate };
      check = createManifestRowChecker(header);
      cardIdKey = header.columns.card_id ?? '';
    }
    if (!check) return null;
    for (const row of piece.rows) {
      const result = check(row);
      if (result.kind === 'blank') continue;
      rowsRead++;
      if (result.kind === 'card') batch.cards.push({ line: result.line, card: result.card });
      else
        batch.rejected.push({
          line: result.line,
          cardId: row.record[cardIdKey] ?? '',
          problems: result.problems,
        });
      if (batch.cards.length + batch.rejected.length === MANIFEST_BATCH_ROWS) {
        batch.rowsRead = rowsRead;
        full.push(batch);
        batch = newBatch();
      }
    }
    return null;
  };

  const handOver = async (bytesRead: number, last: boolean) => {
    if (last) {
      batch.rowsRead = rowsRead;
      full.push(batch);
      batch = newBatch();
    }
    for (const ready of full.splice(0)) {
      ready.bytesRead = bytesRead;
      await onBatch(ready);
    }
  };

  const decode = (bytes?: ArrayBuffer): string | null => {
    try {
      return bytes === undefined ? decoder.decode() : decoder.decode(bytes, { stream: true });
    } catch {
      return null;
    }
  };

  for (let start = 0; start < file.size; start += MANIFEST_SLICE_BYTES) {
    const end = Math.min(file.size, start + MANIFEST_SLICE_BYTES);
    const text = decode(await file.slice(start, end).arrayBuffer());
    if (text === null) return { kind: 'unreadable', reason: 'not-utf8' };
    const refused = take(reader.push(text));
    if (refused) return refused;
    await handOver(end, false);
  }
  const rest = decode();
  if (rest === null) return { kind: 'unreadable', reason: 'not-utf8' };
  const refused = take(reader.push(rest)) ?? take(reader.end());
  if (refused) return refused;
  if (check === null) {
    // An empty file has no header at all: every required column is missing.
    const header = mapManifestHeader(reader.header ?? []);
    if (!header.ok)
      return { kind: 'refused', missing: header.missing, duplicate: header.duplicate };
  }
  await handOver(file.size, true);
  return { kind: 'done', rowsRead };
}
