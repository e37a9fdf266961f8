import { describe, expect, it } from 'vitest';
import { wallTimeIn, zonedTimeToEpoch, zoneOffsetMs, isValidTimeZone } from './time-zone.ts';

describe('time zones', () => {
  it('converts Rome wall time to UTC in winter and summer', () => {
    expect(new Date(zonedTimeToEpoch('Europe/Rome', 2026, 11, 30, 7)).toISOString()).toBe('2026-11-30T06:00:00.000Z');
    expect(new Date(zonedTimeToEpoch('Europe/Rome', 2026, 6, 1, 7)).toISOString()).toBe('2026-06-01T05:00:00.000Z');
  });

  it('handles the DST switch days', () => {
    // 2027-03-28: clocks jump 02:00 -> 03:00 in Rome; 07:00 is already summer time.
    expect(new Date(zonedTimeToEpoch('Europe/Rome', 2027, 3, 29, 7)).toISOString()).toBe('2027-03-29T05:00:00.000Z');
    // 02:30 does not exist on 2027-03-28: resolves after the gap.
    expect(new Date(zonedTimeToEpoch('Europe/Rome', 2027, 3, 28, 2, 30)).toISOString()).toBe('2027-03-28T01:30:00.000Z');
    // 2026-10-25: 02:30 happens twice; the first (summer time) wins.
    expect(new Date(zonedTimeToEpoch('Europe/Rome', 2026, 10, 25, 2, 30)).toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(new Date(zonedTimeToEpoch('Europe/Rome', 2026, 10, 26, 7)).toISOString()).toBe('2026-10-26T06:00:00.000Z');
  });

  it('reads wall time and offsets back', () => {
    const w = wallTimeIn(Date.parse('2026-11-30T06:00:00Z'), 'Europe/Rome');
    expect(w).toMatchObject({ year: 2026, month: 11, day: 30, hour: 7, minute: 0, weekday: 1 });
    expect(zoneOffsetMs(Date.parse('2026-07-01T00:00:00Z'), 'Europe/Rome')).toBe(7_200_000);
    expect(isValidTimeZone('Europe/Rome')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
  });
});
