// Which deadline reminder a purchase is due now, if any. Pure.

const DAY = 86_400_000;

export type ReminderKind = '7d' | '1d';

/**
 * '1d' in the last 24 hours before the deadline, '7d' in the 6 days before that. A buyer who
 * bought inside a window already knew the deadline: they get no reminder for that window.
 */
export function reminderDue(p: { accessUntil: number; purchasedAt: number | null }, now: number): ReminderKind | undefined {
  if (now >= p.accessUntil) return undefined;
  const left = p.accessUntil - now;
  const kind: ReminderKind | undefined = left <= DAY ? '1d' : left <= 7 * DAY ? '7d' : undefined;
  if (!kind) return undefined;
  const windowStart = p.accessUntil - (kind === '1d' ? DAY : 7 * DAY);
  if (p.purchasedAt !== null && p.purchasedAt >= windowStart) return undefined;
  return kind;
}
