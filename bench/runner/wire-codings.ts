// Which content codings a step's answers travelled in, read from Playwright's view of the bench
// page's traffic: the Accept-Encoding Chromium sent and each answer's Content-Encoding, for the
// requests to one path. The byte counts come from the page (page/wire-bytes.ts).
import type { Page, Response } from '@playwright/test';

export interface WireCodings {
  /** Every Accept-Encoding header the requests carried (Chromium adds it itself). */
  acceptEncoding: string[];
  /** Answers by their Content-Encoding ('identity' for none). */
  byContentEncoding: Record<string, number>;
}

/** Starts noting the answers to `pathname`; stop() ends it and gives what was seen. */
export function watchCodings(page: Page, pathname: string) {
  const acceptEncoding = new Set<string>();
  const byContentEncoding: Record<string, number> = {};
  const pending: Promise<void>[] = [];
  const onResponse = (response: Response) => {
    if (new URL(response.url()).pathname !== pathname) return;
    pending.push(
      (async () => {
        const [requestHeaders, headers] = await Promise.all([
          response.request().allHeaders(),
          response.allHeaders(),
        ]);
        acceptEncoding.add(requestHeaders['accept-encoding'] ?? '(none)');
        const coding = headers['content-encoding'] ?? 'identity';
        byContentEncoding[coding] = (byContentEncoding[coding] ?? 0) + 1;
      })().catch(() => undefined),
    );
  };
  page.on('response', onResponse);
  return {
    async stop(): Promise<WireCodings> {
      page.off('response', onResponse);
      await Promise.all(pending);
      return { acceptEncoding: [...acceptEncoding], byContentEncoding };
    },
  };
}

/** Bytes per card on the wire and decoded, and how much compression saved. */
export function bytesPerCard(
  wire: { responses: number; encodedBytes: number; decodedBytes: number; transferBytes: number },
  cards: number,
) {
  const per = (bytes: number) => Math.round((bytes / Math.max(1, cards)) * 10) / 10;
  return {
    responses: wire.responses,
    encodedBytes: wire.encodedBytes,
    decodedBytes: wire.decodedBytes,
    transferBytes: wire.transferBytes,
    onTheWirePerCard: per(wire.encodedBytes),
    uncompressedPerCard: per(wire.decodedBytes),
    ratio:
      wire.encodedBytes > 0
        ? Math.round((wire.decodedBytes / wire.encodedBytes) * 100) / 100
        : null,
  };
}
