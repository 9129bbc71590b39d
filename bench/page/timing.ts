// What every timed section of the bench page uses: progress lines that run.ts forwards, a pause
// to let the browser settle, and turns between the app and the baseline.

/** A progress line: run.ts prints every console line of the page that starts with [bench]. */
export function log(message: string): void {
  console.log(`[bench] ${message}`);
}

/** Lets the browser settle (background flushes, GC) before a timed section. */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs app and baseline one after the other, swapping which goes first each round, so neither always runs on a warmer cache. */
export async function alternately(
  round: number,
  runApp: () => Promise<void>,
  runBaseline: () => Promise<void>,
): Promise<void> {
  if (round % 2 === 0) {
    await runApp();
    await runBaseline();
  } else {
    await runBaseline();
    await runApp();
  }
}
