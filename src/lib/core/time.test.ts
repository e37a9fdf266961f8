import { describe, expect, it } from 'vitest';
import { formatWallTime, isValidTimeZone, nextWeeklySlot, wallTimeIn, zonedTimeToEpoch } from './time.ts';

const iso = (ms: number) => new Date(ms).toISOString();
const HOUR = 3_600_000;

describe('wall time <-> instant', () => {
  it('converts Rome wall time to UTC in winter and summer', () => {
    expect(iso(zonedTimeToEpoch('Europe/Rome', 2026, 11, 30, 7))).toBe('2026-11-30T06:00:00.000Z');
    expect(iso(zonedTimeToEpoch('Europe/Rome', 2026, 6, 1, 7))).toBe('2026-06-01T05:00:00.000Z');
  });

  it('resolves a skipped wall time forward by the gap and a repeated one to its first occurrence', () => {
    // 2027-03-28: Rome's clocks jump 02:00 -> 03:00; 02:30 is read as 03:30 CEST.
    expect(iso(zonedTimeToEpoch('Europe/Rome', 2027, 3, 28, 2, 30))).toBe('2027-03-28T01:30:00.000Z');
    // 2026-10-25: 02:30 happens twice; the first (summer time) wins.
    expect(iso(zonedTimeToEpoch('Europe/Rome', 2026, 10, 25, 2, 30))).toBe('2026-10-25T00:30:00.000Z');
    // The cases the Intl-only implementation got wrong (issue 8).
    expect(iso(zonedTimeToEpoch('Europe/Rome', 2026, 10, 25, 1, 30))).toBe('2026-10-24T23:30:00.000Z');
    expect(iso(zonedTimeToEpoch('America/New_York', 2026, 3, 8, 6, 0))).toBe('2026-03-08T10:00:00.000Z');
    expect(iso(zonedTimeToEpoch('America/New_York', 2026, 3, 8, 2, 30))).toBe('2026-03-08T07:30:00.000Z');
  });

  it('refuses a day that does not exist rather than rolling it over', () => {
    expect(() => zonedTimeToEpoch('Europe/Rome', 2027, 2, 30)).toThrow();
  });

  it('reads wall time back, with the weekday', () => {
    expect(wallTimeIn(Date.parse('2026-11-30T06:00:00Z'), 'Europe/Rome')).toMatchObject({ year: 2026, month: 11, day: 30, hour: 7, minute: 0, weekday: 1 });
    expect(wallTimeIn(Date.parse('2026-11-29T06:00:00Z'), 'Europe/Rome').weekday).toBe(0);
    expect(formatWallTime(Date.parse('2026-11-30T06:00:00Z'), 'Europe/Rome')).toBe('2026-11-30 07:00');
    expect(isValidTimeZone('Europe/Rome')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
  });
});

// ---- property test against an independent oracle ------------------------------------------------
// The oracle knows nothing of Temporal: it reads clocks with Intl and finds, for a wall time, every
// instant whose clock shows it (offsets from 14 hours before and after cover one transition).

const parts = new Map<string, Intl.DateTimeFormat>();
function intlWall(ms: number, timeZone: string): number {
  let f = parts.get(timeZone);
  if (!f) parts.set(timeZone, (f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' })));
  const p: Record<string, number> = {};
  for (const x of f.formatToParts(ms)) if (x.type !== 'literal') p[x.type] = Number(x.value);
  return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
}
const offset = (ms: number, timeZone: string) => intlWall(ms, timeZone) - ms;

/** Wall time (given as if it were UTC) -> instant, by the 'compatible' rule. */
function oracle(wall: number, timeZone: string): number {
  const before = offset(wall - 14 * HOUR, timeZone);
  const after = offset(wall + 14 * HOUR, timeZone);
  const candidates = [wall - before, wall - after].filter((t) => intlWall(t, timeZone) === wall);
  if (candidates.length > 0) return Math.min(...candidates);
  // In a gap: read with the offset from before it, which lands after the gap.
  return wall - before;
}

// Both hemispheres, no DST, half-hour and 45-minute offsets, a 30-minute DST shift.
const ZONES = ['Europe/Rome', 'America/New_York', 'Australia/Sydney', 'America/Santiago', 'Asia/Kolkata', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'America/St_Johns', 'Pacific/Chatham', 'Europe/London', 'UTC'];
const FROM = Date.UTC(2026, 0, 1);
const TO = Date.UTC(2028, 0, 1);

describe('against an Intl oracle, every half hour of 2026 and 2027', () => {
  it.each(ZONES)('%s: wall time to instant', (zone) => {
    const wrong: string[] = [];
    for (let wall = FROM; wall < TO; wall += HOUR / 2) {
      const d = new Date(wall);
      const ours = zonedTimeToEpoch(zone, d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes());
      if (ours !== oracle(wall, zone)) wrong.push(`${d.toISOString().slice(0, 16)} -> ${iso(ours)}, expected ${iso(oracle(wall, zone))}`);
    }
    expect(wrong.slice(0, 5)).toEqual([]);
  });

  it.each(ZONES)('%s: instant to wall time', (zone) => {
    for (let at = FROM; at < TO; at += HOUR) {
      const w = wallTimeIn(at, zone);
      expect(Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second)).toBe(intlWall(at, zone));
    }
  });

  it.each(ZONES)('%s: the next weekly slot (Monday 07:00 and Sunday 02:30, a time some Sundays skip)', (zone) => {
    for (const slot of [{ weekday: 1, time: '07:00' }, { weekday: 0, time: '02:30' }]) {
      const [h, m] = slot.time.split(':').map(Number) as [number, number];
      for (let after = FROM; after < TO; after += HOUR * 5) {
        // The oracle: the first day from the wall date of `after` with the weekday whose slot is later.
        const today = intlWall(after, zone);
        let expected: number | undefined;
        for (let add = 0; add <= 7 && expected === undefined; add++) {
          const day = new Date(today + add * 86_400_000);
          if (day.getUTCDay() !== slot.weekday) continue;
          const at = oracle(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), h, m), zone);
          if (at > after) expected = at;
        }
        const got = nextWeeklySlot(after, slot, zone);
        if (got !== expected) expect.fail(`${zone} ${slot.time} after ${iso(after)}: ${iso(got)}, expected ${iso(expected!)}`);
      }
    }
  });
});
