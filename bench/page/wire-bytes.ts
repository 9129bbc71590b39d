// What a pull cost on the wire, read from the page's Resource Timing: per answer to one path, the
// body as received (`encodedBodySize`, compressed when the registry compressed it) and as decoded
// (`decodedBodySize`, the JSON the engine parsed). Must stay true: the buffer is cleared and made
// large enough before a step, so every answer of the step is counted and none from before it.

/** Forgets earlier entries and makes room for every request of the step (the default is 250). */
export function startWireCount(): void {
  performance.setResourceTimingBufferSize(100_000);
  performance.clearResourceTimings();
}

export interface WireBytes {
  /** Answers to the path seen by Resource Timing (a pull: one per page). */
  responses: number;
  /** Body bytes as they came over the wire (compressed). */
  encodedBytes: number;
  /** Body bytes after decoding: what an uncompressed answer would have sent. */
  decodedBytes: number;
  /** Headers and body as received; 0 when the browser does not say. */
  transferBytes: number;
}

/** The answers to `pathname` (this origin) since startWireCount(). */
export function wireBytes(pathname: string): WireBytes {
  const entries = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter(
    (entry) => new URL(entry.name).pathname === pathname,
  );
  const sum = (pick: (entry: PerformanceResourceTiming) => number) =>
    entries.reduce((total, entry) => total + pick(entry), 0);
  return {
    responses: entries.length,
    encodedBytes: sum((entry) => entry.encodedBodySize),
    decodedBytes: sum((entry) => entry.decodedBodySize),
    transferBytes: sum((entry) => entry.transferSize),
  };
}
