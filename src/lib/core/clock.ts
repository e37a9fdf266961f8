// The one clock. Everything that asks "what time is it?" (visibility of Notes, schedules,
// deadlines) asks here, so tests can move time without sleeping.
let offsetMs = 0;
let frozenAt: number | undefined;

export function now(): Date {
  return new Date(nowMs());
}

export function nowMs(): number {
  return frozenAt ?? Date.now() + offsetMs;
}

/** Freeze the clock at a moment (tests). */
export function setNow(at: Date | number | string): void {
  frozenAt = new Date(at).getTime();
}

const jumpListeners = new Set<() => void>();

/**
 * Called after the clock jumps (tests only ever make it jump): what waits for a moment, like the
 * scheduler, looks again at once instead of at its next tick. Returns the unsubscribe.
 */
export function onClockJump(listener: () => void): () => void {
  jumpListeners.add(listener);
  return () => jumpListeners.delete(listener);
}

/** Let the clock run again, `at` being the current moment from now on (tests, test server). */
export function travelTo(at: Date | number | string): void {
  frozenAt = undefined;
  offsetMs = new Date(at).getTime() - Date.now();
  for (const listener of jumpListeners) listener();
}

export function resetClock(): void {
  frozenAt = undefined;
  offsetMs = 0;
}
