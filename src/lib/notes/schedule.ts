import { wallTimeIn, zonedTimeToEpoch } from '../time-zone.ts';

export interface WeeklySlot {
  weekday: number; // 0 = Sunday … 6 = Saturday
  time: string; // HH:MM in the zone
}

/** The first weekly slot strictly after `after`, computed in the zone's wall time (DST-safe). */
export function nextWeeklySlot(after: number, slot: WeeklySlot, timeZone: string): number {
  const [hour, minute] = slot.time.split(':').map(Number) as [number, number];
  const today = wallTimeIn(after, timeZone);
  for (let addDays = 0; addDays <= 7; addDays++) {
    const day = new Date(Date.UTC(today.year, today.month - 1, today.day + addDays));
    if (day.getUTCDay() !== slot.weekday) continue;
    const at = zonedTimeToEpoch(timeZone, day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate(), hour, minute);
    if (at > after) return at;
  }
  // Unreachable: within 8 days the weekday recurs at least once after `after`.
  throw new Error('no weekly slot found');
}

/** "2026-11-30 07:00" in the zone. */
export function formatWallTime(at: number, timeZone: string): string {
  const w = wallTimeIn(at, timeZone);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${w.year}-${p(w.month)}-${p(w.day)} ${p(w.hour)}:${p(w.minute)}`;
}
