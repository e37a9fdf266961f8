// Wall-clock time in a named IANA zone <-> instants, with Intl only (no tz database of our own).

const formatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export interface WallTime {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number; // 0 = Sunday
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

export function wallTimeIn(epochMs: number, timeZone: string): WallTime {
  const parts: Record<string, number> = {};
  for (const p of partsFormatter(timeZone).formatToParts(new Date(epochMs))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const year = parts.year!, month = parts.month!, day = parts.day!;
  return {
    year,
    month,
    day,
    hour: parts.hour!,
    minute: parts.minute!,
    second: parts.second!,
    weekday: new Date(Date.UTC(year, month - 1, day)).getUTCDay(),
  };
}

/** Offset of the zone from UTC at an instant, in ms (Europe/Rome in summer: +2h). */
export function zoneOffsetMs(epochMs: number, timeZone: string): number {
  const w = wallTimeIn(epochMs, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(epochMs / 1000) * 1000;
}

/**
 * The instant at which the zone's clocks show the given wall time. A wall time skipped by a
 * spring-forward gap resolves to the instant just after the gap; an ambiguous autumn hour
 * resolves to its first occurrence.
 */
export function zonedTimeToEpoch(
  timeZone: string,
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
): number {
  const guess = Date.UTC(year, month - 1, day, hour, minute, second);
  const first = guess - zoneOffsetMs(guess, timeZone);
  const second_ = guess - zoneOffsetMs(first, timeZone);
  if (first === second_) {
    // Check an earlier candidate for the ambiguous hour (first occurrence wins).
    const earlier = guess - zoneOffsetMs(first - 3_600_000, timeZone);
    if (earlier < first && guess - zoneOffsetMs(earlier, timeZone) === earlier) return earlier;
    return first;
  }
  return Math.max(first, second_);
}
