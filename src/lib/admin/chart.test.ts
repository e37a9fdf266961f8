import { describe, expect, it } from 'vitest';
import { lineChart, niceRange, niceStep } from './chart.ts';

const box = { width: 600, height: 200, padding: { top: 10, right: 10, bottom: 30, left: 50 } };

describe('the growth chart geometry', () => {
  it('steps the axis on round numbers', () => {
    expect([0.3, 1, 1.5, 3, 7, 12, 230, 4100].map(niceStep)).toEqual([1, 1, 2, 5, 10, 20, 500, 5000]);
    expect(niceRange([1180, 1234, 1302])).toEqual({ low: 1150, high: 1350, step: 50 });
    expect(niceRange([0, 3])).toEqual({ low: 0, high: 3, step: 1 });
  });

  it('keeps a flat line and an empty list inside the plot', () => {
    expect(niceRange([])).toEqual({ low: 0, high: 1, step: 1 });
    expect(niceRange([0, 0])).toEqual({ low: 0, high: 1, step: 1 });
    const flat = lineChart([40, 40, 40], box);
    expect(new Set(flat.points.map((p) => p.y)).size).toBe(1);
    expect(flat.points[0]!.y).toBeGreaterThan(box.padding.top);
    expect(flat.points[0]!.y).toBeLessThan(flat.baseline);
  });

  it('spreads the points from the left edge to the right one, highest value at the top', () => {
    const c = lineChart([0, 5, 10], box);
    expect(c.points.map((p) => p.x)).toEqual([50, 320, 590]);
    expect(c.points.map((p) => p.y)).toEqual([170, 90, 10]);
    expect(c.line).toBe('M50 170 L320 90 L590 10');
    expect(c.area).toBe('M50 170 L320 90 L590 10 L590 170 L50 170 Z');
    expect(c.ticks.map((t) => t.value)).toEqual([0, 5, 10]);
    expect(c.ticks.map((t) => t.y)).toEqual([170, 90, 10]);
  });

  it('puts a single point in the middle', () => {
    expect(lineChart([7], box).points).toEqual([{ x: 320, y: expect.any(Number), value: 7 }]);
  });
});
