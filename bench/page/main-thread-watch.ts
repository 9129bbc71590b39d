// Watches the bench page's main thread while an import runs (steps 9 and 10): every animation
// frame's time, since a long gap is a frame the page could not paint, and every long task.
import { pause } from './timing.ts';

/** A frame later than this after the previous one is a stutter a clerk could notice. */
const JANK_FRAME_GAP_MS = 50;

export async function watchMainThread() {
  const frames: number[] = [];
  let watching = true;
  const onFrame = () => {
    frames.push(performance.now());
    if (watching) requestAnimationFrame(onFrame);
  };
  const longTasks: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => longTasks.push(...list.getEntries()));
  observer.observe({ type: 'longtask' });
  // Start on a frame, so the first gap measured is not the wait for the first one.
  await new Promise((resolve) => requestAnimationFrame(resolve));
  requestAnimationFrame(onFrame);
  return {
    /** What the thread did between `from` and `to` (performance.now() times). */
    async stop(from: number, to: number) {
      // One more frame, so a block that ends the import shows as a gap, and time for the observer to deliver.
      await new Promise((resolve) => requestAnimationFrame(resolve));
      await pause(100);
      longTasks.push(...observer.takeRecords());
      observer.disconnect();
      watching = false;
      const inWindow = frames.filter((time) => time > from);
      const firstAfterEnd = inWindow.findIndex((time) => time >= to);
      const times = [
        from,
        ...(firstAfterEnd === -1 ? inWindow : inWindow.slice(0, firstAfterEnd + 1)),
      ];
      const gaps = times.slice(1).map((time, i) => time - (times[i] as number));
      const sortedGaps = [...gaps].sort((a, b) => a - b);
      const tasks = longTasks.filter(
        (entry) => entry.startTime + entry.duration > from && entry.startTime < to,
      );
      return {
        frames: gaps.length,
        maxFrameGapMs: sortedGaps.at(-1) ?? null,
        p50FrameGapMs: sortedGaps[Math.floor(sortedGaps.length / 2)] ?? null,
        framesLaterThan50Ms: gaps.filter((gap) => gap > JANK_FRAME_GAP_MS).length,
        longTasks: {
          count: tasks.length,
          maxMs: tasks.reduce((max, entry) => Math.max(max, entry.duration), 0),
          totalMs: tasks.reduce((sum, entry) => sum + entry.duration, 0),
        },
      };
    },
  };
}
