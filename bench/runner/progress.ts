// The runner's progress lines, each stamped with the minutes and seconds since the run began.

export const runStartedAt = Date.now();

export function progress(message: string): void {
  const seconds = Math.round((Date.now() - runStartedAt) / 1000);
  console.log(
    `[${String(Math.floor(seconds / 60)).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}] ${message}`,
  );
}
