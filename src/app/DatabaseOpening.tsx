import { useEffect, useState } from 'react';

/** How long the tablet may take to open its cards before it says it is doing so. */
export const SLOW_OPEN_NOTICE_MS = 2000;

/**
 * Shown by boot (main.tsx) until the database is open. Opening is quick, so nothing shows at
 * first (no notice flashes up); but the first open after an update that rewrites the cards' keys
 * (schema v7 and v8) takes minutes on a tablet of 756,000 cards, and an upgrade waits for every
 * other tab to let go of the old version: a blank screen for that long looks like a hung app.
 * The language is a setting kept in the database, so the notice speaks both, as a failed open
 * does (StorageUnavailable).
 */
export function DatabaseOpening() {
  const [slow, setSlow] = useState(false);
  useEffect(() => {
    const timer = window.setTimeout(() => setSlow(true), SLOW_OPEN_NOTICE_MS);
    return () => window.clearTimeout(timer);
  }, []);
  if (!slow) return null;
  return (
    <main className="screen database-opening" role="status">
      <h1>کارت‌های این تبلت باز می‌شوند…</h1>
      <p>
        پس از به‌روزرسانی، این کار یک بار انجام می‌شود و روی تبلتی با کارت‌های بسیار تا چند دقیقه
        طول می‌کشد. اگر برنامه در زبانه‌ی دیگری باز است، آن را ببندید. برنامه را باز نگه دارید؛ هیچ
        داده‌ای از دست نمی‌رود.
      </p>
      <h2 lang="en" dir="ltr">
        Opening this tablet’s cards…
      </h2>
      <p lang="en" dir="ltr">
        After an update this happens once, and on a tablet with very many cards it takes up to a few
        minutes. If Tahvil is open in another tab, close it. Keep Tahvil open; nothing is lost.
      </p>
    </main>
  );
}
