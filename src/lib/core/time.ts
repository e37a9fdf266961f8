import { Temporal } from 'temporal-polyfill';

// Wall time in a named IANA zone <-> instants. Every such conversion in the app goes through here,
// on Temporal (the polyfill until Node ships it): a wall time skipped by a spring-forward gap
// resolves forward by the gap, a repeated autumn hour to its first occurrence
// (disambiguation: 'compatible', as RFC 5545 and every calendar app read them).

export interface WallTime {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number; // 0 = Sunday … 6 = Saturday
}

export interface WeeklySlot {
  weekday: number; // 0 = Sunday … 6 = Saturday
  time: string; // HH:MM in the zone
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    Temporal.Now.instant().toZonedDateTimeISO(timeZone);
    return true;
  } catch {
    return false;
  }
}

function zoned(epochMs: number, timeZone: string): Temporal.ZonedDateTime {
  return Temporal.Instant.fromEpochMilliseconds(epochMs).toZonedDateTimeISO(timeZone);
}

export function wallTimeIn(epochMs: number, timeZone: string): WallTime {
  const z = zoned(epochMs, timeZone);
  return { year: z.year, month: z.month, day: z.day, hour: z.hour, minute: z.minute, second: z.second, weekday: z.dayOfWeek % 7 };
}

/** The instant at which the zone's clocks show the given wall time. */
export function zonedTimeToEpoch(timeZone: string, year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  return Temporal.PlainDateTime.from({ year, month, day, hour, minute, second }, { overflow: 'reject' })
    .toZonedDateTime(timeZone, { disambiguation: 'compatible' }).epochMilliseconds;
}

/** The first weekly slot strictly after `after`, in the zone's wall time (so 07:00 stays 07:00 across clock changes). */
export function nextWeeklySlot(after: number, slot: WeeklySlot, timeZone: string): number {
  const [hour, minute] = slot.time.split(':').map(Number) as [number, number];
  const start = zoned(after, timeZone).toPlainDate();
  // Within 8 days the weekday recurs at least once after `after`.
  for (let addDays = 0; addDays <= 7; addDays++) {
    const date = start.add({ days: addDays });
    if (date.dayOfWeek % 7 !== slot.weekday) continue;
    const at = date.toPlainDateTime({ hour, minute }).toZonedDateTime(timeZone, { disambiguation: 'compatible' }).epochMilliseconds;
    if (at > after) return at;
  }
  throw new Error('no weekly slot found');
}

/** "2026-11-30 07:00" in the zone. */
export function formatWallTime(at: number, timeZone: string): string {
  const w = wallTimeIn(at, timeZone);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${w.year}-${p(w.month)}-${p(w.day)} ${p(w.hour)}:${p(w.minute)}`;
}

// A moment that carries its own offset: 2026-12-07T07:00:00+01:00, 2026-12-07 07:00Z.
const OFFSET_MOMENT_RE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

/** The instant an ISO 8601 moment with an offset or Z names; undefined for anything else. */
export function offsetMomentToEpoch(text: string): number | undefined {
  if (!OFFSET_MOMENT_RE.test(text)) return undefined;
  try {
    return Temporal.Instant.from(text).epochMilliseconds;
  } catch {
    return undefined;
  }
}

/** "2027-03-26T18:00:00+01:00": an instant as the zone's clocks show it, with the offset, so it reads locally and parses back exactly. */
export function isoMomentIn(at: number, timeZone: string): string {
  return zoned(at, timeZone).toString({ timeZoneName: 'never', smallestUnit: 'second' });
}

/** The instant `days` calendar days after `at`, at the same wall time in the zone (a lesson opening at 09:00 stays at 09:00 across a clock change). */
export function addDaysInZone(at: number, days: number, timeZone: string): number {
  return zoned(at, timeZone).add({ days }).epochMilliseconds;
}
