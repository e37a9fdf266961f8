import { describe, expect, it } from 'vitest';
import { describePeriod, parsePeriod } from './period.ts';

describe('the reconciliation period', () => {
  it.each([
    ['3d', 3 * 86_400_000],
    ['12h', 12 * 3_600_000],
    ['2w', 14 * 86_400_000],
    [' 1D ', 86_400_000],
    ['52w', 52 * 7 * 86_400_000],
  ])('reads %j', (text, ms) => {
    expect(parsePeriod(text)).toBe(ms);
  });

  it.each(['', '3', 'd', '3 days', '3m', '-3d', '1.5d', 'yesterday', '0d', '367d', '53w', '99999h'])('refuses %j in words', (text) => {
    expect(() => parsePeriod(text)).toThrow(/^--since /);
  });

  it('names the period in words', () => {
    expect(describePeriod(parsePeriod('3d'))).toBe('3 days');
    expect(describePeriod(parsePeriod('1w'))).toBe('1 week');
    expect(describePeriod(parsePeriod('36h'))).toBe('36 hours');
  });
});
