// Subscriber growth over rolling weeks ending now. Pure: the database counts joins and losses per
// week (one grouped query), this turns them into the number of active subscribers at each week's end.

export const WEEK_MS = 7 * 86_400_000;
export const GROWTH_WEEKS = 26;

/**
 * The starts of the last `weeks` rolling weeks, oldest first: the last one began seven days ago.
 * Rolling weeks, not calendar weeks: on a Monday morning "this week" would be a few hours old.
 */
export function weekStarts(now: number, weeks = GROWTH_WEEKS): number[] {
  return Array.from({ length: weeks }, (_, i) => now - (weeks - i) * WEEK_MS);
}

/** Joins or losses counted per week: bucket -1 is everything before the first week. */
export type WeekBuckets = ReadonlyMap<number, number>;

export interface Growth {
  /** active subscribers at the end of each week, oldest first; the last is now */
  active: number[];
  joined: number[];
  lost: number[];
  /** when each week ends */
  ends: number[];
}

export function growthFrom(starts: readonly number[], now: number, joined: WeekBuckets, lost: WeekBuckets): Growth {
  let running = (joined.get(-1) ?? 0) - (lost.get(-1) ?? 0);
  const g: Growth = { active: [], joined: [], lost: [], ends: [] };
  starts.forEach((_, i) => {
    const j = joined.get(i) ?? 0;
    const l = lost.get(i) ?? 0;
    running += j - l;
    g.active.push(running);
    g.joined.push(j);
    g.lost.push(l);
    g.ends.push(starts[i + 1] ?? now);
  });
  return g;
}
