import { describe, expect, it } from 'vitest';
import { formatWallTime, nextWeeklySlot } from './time.ts';

const monday7 = { weekday: 1, time: '07:00' };
const iso = (ms: number) => new Date(ms).toISOString();

describe('weekly slot', () => {
  it('finds next Monday 07:00 Rome from a Wednesday', () => {
    expect(iso(nextWeeklySlot(Date.parse('2026-11-25T10:00:00Z'), monday7, 'Europe/Rome'))).toBe('2026-11-30T06:00:00.000Z');
  });
  it('is strictly after: Monday 07:00 itself gives the following Monday', () => {
    expect(iso(nextWeeklySlot(Date.parse('2026-11-30T06:00:00Z'), monday7, 'Europe/Rome'))).toBe('2026-12-07T06:00:00.000Z');
    expect(iso(nextWeeklySlot(Date.parse('2026-11-30T05:59:59Z'), monday7, 'Europe/Rome'))).toBe('2026-11-30T06:00:00.000Z');
  });
  it('keeps 07:00 local across the DST changes (last Sundays of March and October)', () => {
    expect(iso(nextWeeklySlot(Date.parse('2027-03-27T12:00:00Z'), monday7, 'Europe/Rome'))).toBe('2027-03-29T05:00:00.000Z');
    expect(iso(nextWeeklySlot(Date.parse('2026-10-24T12:00:00Z'), monday7, 'Europe/Rome'))).toBe('2026-10-26T06:00:00.000Z');
  });
  it('formats wall time in the zone', () => {
    expect(formatWallTime(Date.parse('2026-11-30T06:00:00Z'), 'Europe/Rome')).toBe('2026-11-30 07:00');
  });
});
