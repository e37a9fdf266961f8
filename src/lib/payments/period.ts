// How far back `payments reconcile --since` looks: a count of hours, days or weeks. Pure, so the
// CLI's refusals are tested beside it.

const UNIT_MS = { h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 } as const;
const UNIT_WORD = { h: 'hour', d: 'day', w: 'week' } as const;

/** The default window: Stripe retries a webhook for three days, so a daily run over three days overlaps itself. */
export const DEFAULT_SINCE = '3d';
/** Longer than anyone misses webhooks unnoticed; Stripe's lists would go back further. */
export const MAX_SINCE_MS = 366 * 86_400_000;

export class PeriodError extends Error {}

/** "3d" → milliseconds; anything else is refused in words. */
export function parsePeriod(text: string): number {
  const m = /^\s*(\d{1,5})\s*([hdw])\s*$/i.exec(text);
  if (!m) throw new PeriodError(`--since takes a period such as 12h, 3d or 2w (hours, days or weeks), not "${text}"`);
  const n = Number(m[1]);
  const unit = m[2]!.toLowerCase() as keyof typeof UNIT_MS;
  if (n === 0) throw new PeriodError(`--since must be at least 1 ${UNIT_WORD[unit]}, not "${text}"`);
  const ms = n * UNIT_MS[unit];
  if (ms > MAX_SINCE_MS) throw new PeriodError(`--since may reach back at most a year (366d or 52w), not "${text}"`);
  return ms;
}

/** 259200000 → "3 days", for the report. */
export function describePeriod(ms: number): string {
  for (const unit of ['w', 'd', 'h'] as const) {
    const n = ms / UNIT_MS[unit];
    if (Number.isInteger(n)) return `${n} ${UNIT_WORD[unit]}${n === 1 ? '' : 's'}`;
  }
  return `${Math.round(ms / 60_000)} minutes`;
}
