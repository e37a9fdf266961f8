import { describe, expect, it } from 'vitest';
import { growthFrom, WEEK_MS, weekStarts } from './growth.ts';

const now = Date.parse('2026-12-07T08:00:00Z');

describe('subscriber growth by rolling week', () => {
  it('ends the last week now and starts the first 26 weeks ago', () => {
    const starts = weekStarts(now);
    expect(starts).toHaveLength(26);
    expect(starts.at(-1)).toBe(now - WEEK_MS);
    expect(starts[0]).toBe(now - 26 * WEEK_MS);
  });

  it('adds up joins and losses into the active count at the end of each week', () => {
    const starts = weekStarts(now, 3);
    const g = growthFrom(starts, now, new Map([[-1, 100], [0, 10], [2, 5]]), new Map([[-1, 20], [1, 3], [2, 1]]));
    expect(g.active).toEqual([90, 87, 91]);
    expect(g.joined).toEqual([10, 0, 5]);
    expect(g.lost).toEqual([0, 3, 1]);
    expect(g.ends).toEqual([starts[1], starts[2], now]);
  });
});
