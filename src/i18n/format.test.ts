import { describe, expect, it } from 'vitest';
import { calendarDay, clockTime, deadlineLabel, deadlineSentence, formatDate, formatNumber, formatPrice, formatReadingTime, formatTimestamp, isoDay } from './format.ts';
import { t } from './text.ts';

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

const ROME = 'Europe/Rome';
// The sample workshop's deadline: 26 Mar 2027 18:00 Rome.
const UNTIL = Date.UTC(2027, 2, 26, 17);

describe('clockTime', () => {
  it.each([
    [Date.UTC(2027, 2, 26, 17), '6 p.m.'],
    [Date.UTC(2027, 2, 26, 17, 30), '6:30 p.m.'],
    [Date.UTC(2027, 2, 26, 11), 'noon'],
    [Date.UTC(2027, 2, 25, 23), 'midnight'],
    [Date.UTC(2027, 2, 26, 8, 5), '9:05 a.m.'],
    [Date.UTC(2027, 2, 26, 11, 30), '12:30 p.m.'],
    [Date.UTC(2027, 2, 25, 23, 45), '12:45 a.m.'],
    [Date.UTC(2027, 2, 26, 22, 59), '11:59 p.m.'],
    [Date.UTC(2027, 6, 1, 16), '6 p.m.'], // summer time
  ])('reads %d as %j in English', (at, text) => {
    expect(clockTime('en', at, ROME)).toBe(text);
  });

  it('uses the 24-hour clock in Italian', () => {
    expect(clockTime('it', Date.UTC(2027, 2, 26, 17), ROME)).toBe('18:00');
    expect(clockTime('it', Date.UTC(2027, 2, 26, 8, 5), ROME)).toBe('09:05');
    expect(clockTime('it', Date.UTC(2027, 2, 25, 23), ROME)).toBe('00:00');
  });

  it('reads the time in the given zone', () => {
    expect(clockTime('en', Date.UTC(2027, 2, 26, 17), 'America/New_York')).toBe('1 p.m.');
    expect(clockTime('en', Date.UTC(2027, 2, 26, 17), 'UTC')).toBe('5 p.m.');
  });
});

describe('calendarDay', () => {
  it('leaves out the year when the deadline is in the current year of its zone', () => {
    expect(calendarDay('en', UNTIL, ROME, Date.UTC(2027, 0, 1))).toBe('Friday, March 26');
    expect(calendarDay('it', UNTIL, ROME, Date.UTC(2027, 0, 1))).toBe('venerdì 26 marzo');
  });

  it('adds the year otherwise', () => {
    expect(calendarDay('en', UNTIL, ROME, Date.UTC(2026, 5, 1))).toBe('Friday, March 26, 2027');
    expect(calendarDay('it', UNTIL, ROME, Date.UTC(2026, 5, 1))).toBe('venerdì 26 marzo 2027');
  });

  it('decides the current year in the zone, not in UTC', () => {
    // 31 Dec 2026 23:30 UTC is already 1 Jan 2027 in Rome
    expect(calendarDay('en', UNTIL, ROME, Date.UTC(2026, 11, 31, 23, 30))).toBe('Friday, March 26');
    expect(calendarDay('en', UNTIL, ROME, Date.UTC(2026, 11, 31, 22, 30))).toBe('Friday, March 26, 2027');
  });

  it('names the day in the zone', () => {
    // 23:30 UTC on Thursday 25 is already Friday 26 in Rome
    expect(calendarDay('en', Date.UTC(2027, 2, 25, 23, 30), ROME, UNTIL)).toBe('Friday, March 26');
    expect(calendarDay('en', Date.UTC(2027, 2, 25, 23, 30), 'UTC', UNTIL)).toBe('Thursday, March 25');
  });
});

describe('deadlineSentence', () => {
  const inJanuary2027 = Date.UTC(2027, 0, 10);
  const inNovember2026 = Date.UTC(2026, 10, 10);

  it('reads in English, without the year in the same year', () => {
    expect(deadlineSentence('en', 'workshop', UNTIL, ROME, inJanuary2027)).toBe('You have until 6 p.m. on Friday, March 26 to access the recording.');
  });

  it('adds the year when the deadline is next year', () => {
    expect(deadlineSentence('en', 'workshop', UNTIL, ROME, inNovember2026)).toBe('You have until 6 p.m. on Friday, March 26, 2027 to access the recording.');
  });

  it('reads in Italian', () => {
    expect(deadlineSentence('it', 'workshop', UNTIL, ROME, inJanuary2027)).toBe('Hai tempo fino alle 18:00 di venerdì 26 marzo per accedere alla registrazione.');
    expect(deadlineSentence('it', 'workshop', UNTIL, ROME, inNovember2026)).toBe('Hai tempo fino alle 18:00 di venerdì 26 marzo 2027 per accedere alla registrazione.');
  });

  it('speaks of course materials for a certification', () => {
    expect(deadlineSentence('en', 'certification', UNTIL, ROME, inJanuary2027)).toBe('You have until 6 p.m. on Friday, March 26 to access the course materials.');
    expect(deadlineSentence('it', 'certification', UNTIL, ROME, inJanuary2027)).toBe('Hai tempo fino alle 18:00 di venerdì 26 marzo per accedere ai materiali del corso.');
  });

  it('uses the product zone for the whole sentence', () => {
    expect(deadlineSentence('en', 'workshop', UNTIL, 'America/New_York', inJanuary2027)).toBe('You have until 1 p.m. on Friday, March 26 to access the recording.');
  });

});

describe('deadlineLabel and formatPrice', () => {
  it('labels a deadline with its time, day and clock', () => {
    const label = deadlineLabel('en', UNTIL, ROME, Date.UTC(2026, 5, 1));
    expect(label.startsWith('6 p.m. on Friday, March 26, 2027 (')).toBe(true);
    expect(label.endsWith(')')).toBe(true);
    expect(deadlineLabel('it', UNTIL, ROME, Date.UTC(2027, 0, 1)).startsWith('venerdì 26 marzo alle 18:00 (')).toBe(true);
  });

  it('formats a price from minor units', () => {
    expect(formatPrice('en', 9700, 'EUR')).toBe('€97.00');
    expect(formatPrice('it', 9700, 'EUR')).toBe('97,00\u00a0€');
    expect(formatPrice('en', 5000, 'JPY')).toBe('¥5,000');
  });
});

describe('durations', () => {
  it('writes reading time and recording positions', () => {
    expect(formatReadingTime(348)).toBe('5:48');
    expect(formatTimestamp(65)).toBe('1:05');
    expect(formatTimestamp(3723)).toBe('1:02:03');
  });
});
