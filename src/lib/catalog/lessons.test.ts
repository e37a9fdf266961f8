import { describe, expect, it } from 'vitest';
import { lessonOpensAt, lessonProblem, parseOpens } from './lessons.ts';

describe('a lesson’s opens', () => {
  it('reads days after the start', () => {
    expect(parseOpens('0d')).toBe(0);
    expect(parseOpens(' 14d ')).toBe(14);
    for (const bad of ['7', '7 days', '-1d', '1w', '1.5d', '', 7, null]) expect(parseOpens(bad), String(bad)).toBeUndefined();
  });

  it('opens at the start’s wall time, across a clock change', () => {
    const start = Date.parse('2027-03-22T08:00:00Z'); // 09:00 CET in Rome
    expect(lessonOpensAt(start, undefined, 'Europe/Rome')).toBe(start);
    // Summer time starts on March 28: a week later 09:00 is 07:00Z, not 08:00Z.
    expect(new Date(lessonOpensAt(start, '7d', 'Europe/Rome')).toISOString()).toBe('2027-03-29T07:00:00.000Z');
  });

  it('says what is wrong with a lesson’s frontmatter', () => {
    expect(lessonProblem({ title: 'T', opens: '7d' })).toBeUndefined();
    expect(lessonProblem({ title: 'T', opens: 'next week' })).toBe('opens: "next week" is not a number of days after the cohort starts, like 0d, 7d or 14d');
    expect(lessonProblem({ opens: '7d' })).toMatch(/^title: /);
  });
});
