import { describe, expect, it } from 'vitest';
import { formatDate, isoDay, formatNumber } from './format.ts';
import { t } from './strings.ts';

describe('localized formatting', () => {
  const at = Date.parse('2026-11-23T06:00:00Z');
  it('writes dates in the reader language', () => {
    expect(formatDate('en', at, 'Europe/Rome')).toBe('November 23, 2026');
    expect(formatDate('it', at, 'Europe/Rome')).toBe('23 novembre 2026');
  });
  it('uses the site time zone for the calendar day', () => {
    // 23:30 UTC on the 22nd is already the 23rd in Rome.
    expect(isoDay(Date.parse('2026-11-22T23:30:00Z'), 'Europe/Rome')).toBe('2026-11-23');
    expect(formatDate('it', Date.parse('2026-11-22T23:30:00Z'), 'Europe/Rome')).toBe('23 novembre 2026');
  });
  it('formats numbers and UI strings per language', () => {
    expect(formatNumber('en', 1234)).toBe('1,234');
    expect(formatNumber('it', 12345)).toBe('12.345');
    expect(t('it', 'note.continue')).toBe('Continua a leggere');
    expect(t('en', 'note.continue')).toBe('Continue reading');
  });
});
