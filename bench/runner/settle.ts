// After 100,000 cards are written, point lookups run 3–5× slower for 15–20 s, in the app and the
// baseline alike, while the storage engine flushes and compacts. Every bulk write of the run is
// followed by this wait, so that the step after it times steady state.
export const STORAGE_SETTLE_MS = 20_000;
