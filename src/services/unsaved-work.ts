// Whether the screen holds input that leaving it would throw away: a half-ticked handover form.
// A scan arriving from anywhere asks before it replaces such a screen (app/use-scan-anywhere.ts).
// Kept outside React state: the scan handler reads it at the moment of the scan, and no screen
// needs to re-render when it changes.
import { useEffect } from 'react';

const screensWithUnsavedWork = new Set<symbol>();

/** While mounted with `unsaved` true, `hasUnsavedWork()` says so. */
export function useUnsavedWork(unsaved: boolean): void {
  useEffect(() => {
    if (!unsaved) return undefined;
    const screen = Symbol('unsaved-work');
    screensWithUnsavedWork.add(screen);
    return () => {
      screensWithUnsavedWork.delete(screen);
    };
  }, [unsaved]);
}

export function hasUnsavedWork(): boolean {
  return screensWithUnsavedWork.size > 0;
}
