// The geometry of the dashboard's growth chart, drawn on the server as SVG (no script, no
// chart library). Pure: values in, coordinates out; the page only places them.

export interface ChartBox {
  width: number;
  height: number;
  /** room for the axis labels */
  padding: { top: number; right: number; bottom: number; left: number };
}

export interface LineChart {
  /** the line through the points, an SVG path */
  line: string;
  /** the same line closed down to the baseline, for the fill under it */
  area: string;
  points: { x: number; y: number; value: number }[];
  /** horizontal grid lines with their values, bottom to top */
  ticks: { y: number; value: number }[];
  baseline: number;
  plot: { left: number; right: number; top: number; bottom: number };
}

const round = (n: number) => Math.round(n * 10) / 10;

/** 1, 2 or 5 times a power of ten, at least `raw` (and at least 1: the values are people). */
export function niceStep(raw: number): number {
  if (!(raw > 1)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const f = raw / power;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * power;
}

/** A range that starts and ends on round numbers, in about four steps, never below zero. */
export function niceRange(values: readonly number[]): { low: number; high: number; step: number } {
  const min = Math.min(...values, Number.POSITIVE_INFINITY);
  const max = Math.max(...values, Number.NEGATIVE_INFINITY);
  if (!Number.isFinite(min)) return { low: 0, high: 1, step: 1 };
  // A flat line sits in the middle of its range rather than on the floor.
  const spread = max - min || Math.max(1, max);
  const step = niceStep(spread / 4);
  let low = Math.max(0, Math.floor(min / step) * step);
  let high = Math.ceil(max / step) * step;
  if (high === low) {
    high += step;
    if (low >= step) low -= step;
  }
  return { low, high, step };
}

export function lineChart(values: readonly number[], box: ChartBox): LineChart {
  const plot = { left: box.padding.left, right: box.width - box.padding.right, top: box.padding.top, bottom: box.height - box.padding.bottom };
  const { low, high, step } = niceRange(values);
  const yOf = (v: number) => round(plot.bottom - ((v - low) / (high - low)) * (plot.bottom - plot.top));
  const dx = values.length > 1 ? (plot.right - plot.left) / (values.length - 1) : 0;
  const points = values.map((value, i) => ({ x: round(values.length > 1 ? plot.left + i * dx : (plot.left + plot.right) / 2), y: yOf(value), value }));
  const line = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x} ${p.y}`).join(' ');
  const baseline = round(plot.bottom);
  const area = points.length > 0 ? `${line} L${points.at(-1)!.x} ${baseline} L${points[0]!.x} ${baseline} Z` : '';
  const ticks: LineChart['ticks'] = [];
  for (let v = low; v <= high + step / 2; v += step) ticks.push({ y: yOf(v), value: v });
  return { line, area, points, ticks, baseline, plot };
}
