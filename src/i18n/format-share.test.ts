import { describe, expect, it } from 'vitest';
import { formatPercent, shortDate } from './format.ts';

describe('shares and short days (the dashboard)', () => {
  it('writes small rates to the hundredth of a percent, larger ones to the tenth', () => {
    expect(formatPercent('en', 0.004)).toBe('0.4%');
    expect(formatPercent('en', 0.0008)).toBe('0.08%');
    expect(formatPercent('it', 0.0008)).toBe('0,08%');
    expect(formatPercent('en', 0.125)).toBe('12.5%');
    expect(formatPercent('en', 0)).toBe('0%');
  });

  it('names a day briefly in the zone', () => {
    expect(shortDate('en', Date.parse('2026-06-08T23:30:00Z'), 'Europe/Rome')).toBe('Jun 9');
    expect(shortDate('it', Date.parse('2026-06-08T23:30:00Z'), 'Europe/Rome')).toBe('9 giu');
  });
});
