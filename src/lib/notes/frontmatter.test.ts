import { describe, expect, it } from 'vitest';
// The reader Astro's content layer parses frontmatter with, so the pages' dates are tested too.
import { parseFrontmatter } from '@astrojs/internal-helpers/frontmatter';
import { checkFrontmatter, noteFrontmatterSchema, parseNoteFileName, parsePublishMoment } from './frontmatter.ts';
import { splitFrontmatter } from './validate.ts';
import { publishInstant } from './publish.ts';

describe('publication date', () => {
  it('accepts a day or a day and time', () => {
    expect(parsePublishMoment('2026-11-30')).toMatchObject({ year: 2026, month: 11, day: 30, hour: 0 });
    expect(parsePublishMoment('2026-11-30 07:00')).toMatchObject({ hour: 7, minute: 0 });
    expect(parsePublishMoment('2026-11-30T07:00:30')).toMatchObject({ second: 30 });
  });
  it.each(['2026-02-30', '2026-13-01', '30/11/2026', 'next monday', '2026-11-30 25:00', ''])('refuses %s', (v) => {
    expect(parsePublishMoment(v)).toBeUndefined();
  });
  it('reads the moment in the site time zone', () => {
    expect(new Date(publishInstant('2026-11-30 07:00', 'Europe/Rome')).toISOString()).toBe('2026-11-30T06:00:00.000Z');
    expect(new Date(publishInstant('2026-07-06', 'Europe/Rome')).toISOString()).toBe('2026-07-05T22:00:00.000Z');
  });
  it.each([
    ['2026-12-07T07:00:00+01:00', '2026-12-07T06:00:00.000Z'],
    ['2026-12-07T06:00:00Z', '2026-12-07T06:00:00.000Z'],
    ['2026-12-07T07:00+01:00', '2026-12-07T06:00:00.000Z'],
    ['2026-06-01T09:30:00.000-04:00', '2026-06-01T13:30:00.000Z'],
  ])('takes a full ISO moment %s, quoted or not, as the instant it names', (text, instant) => {
    for (const yaml of [`date: ${text}`, `date: "${text}"`]) {
      const source = `---\nnumber: 1\ntitle: x\nsummary: y\n${yaml}\n---\nBody\n`;
      // Our reader (the build's check, the CLI, the newsletter) and Astro's (the pages) agree.
      for (const data of [splitFrontmatter(source)!.data, parseFrontmatter(source).frontmatter]) {
        const { date } = noteFrontmatterSchema.parse(data);
        expect(new Date(publishInstant(date, 'Europe/Rome')).toISOString(), yaml).toBe(instant);
      }
    }
  });
  it('keeps the short forms in the site time zone with either reader', () => {
    for (const [yaml, instant] of [['date: 2026-11-30', '2026-11-29T23:00:00.000Z'], ['date: "2026-11-30 07:00"', '2026-11-30T06:00:00.000Z'], ['date: 2026-11-30 07:00', '2026-11-30T06:00:00.000Z']]) {
      const source = `---\nnumber: 1\ntitle: x\nsummary: y\n${yaml}\n---\nBody\n`;
      for (const data of [splitFrontmatter(source)!.data, parseFrontmatter(source).frontmatter]) {
        expect(new Date(publishInstant(noteFrontmatterSchema.parse(data).date, 'Europe/Rome')).toISOString(), yaml).toBe(instant);
      }
    }
  });
  it.each(['2026-12-07T25:00:00+01:00', '2026-12-07T07:00:00+1', '2026-12-07T07:00:00[Europe/Rome]', '2026-12-07 07:00 CET'])('refuses %s', (v) => {
    expect(noteFrontmatterSchema.safeParse({ number: 1, title: 'x', summary: 'y', date: v }).success).toBe(false);
  });
  it('takes a YAML date (parsed to UTC midnight) as the calendar day it names', () => {
    const parsed = noteFrontmatterSchema.parse({ number: 1, title: 'x', summary: 'y', date: new Date('2026-11-23T00:00:00Z') });
    expect(parsed.date).toBe('2026-11-23');
  });
});

describe('frontmatter schema', () => {
  const ok = { number: 205, title: 'Three steps', date: '2026-11-23', summary: 'S' };
  it('fills defaults', () => {
    expect(noteFrontmatterSchema.parse(ok)).toEqual({ ...ok, tags: [], draft: false });
  });
  it.each([
    [{ ...ok, title: undefined }, 'title'],
    [{ ...ok, title: '  ' }, 'title'],
    [{ ...ok, number: 2.5 }, 'number'],
    [{ ...ok, number: -1 }, 'number'],
    [{ ...ok, date: 'tomorrow' }, 'date'],
    [{ ...ok, summary: undefined }, 'summary'],
    [{ ...ok, draft: 'yes' }, 'draft'],
  ])('names the bad field', (data, field) => {
    const result = noteFrontmatterSchema.safeParse(data);
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.path[0]).toBe(field);
  });
  it('reads number and slug from the file name', () => {
    expect(parseNoteFileName('205-three-steps.mdx')).toEqual({ number: 205, slug: 'three-steps' });
    expect(parseNoteFileName('three-steps.mdx')).toBeUndefined();
    expect(parseNoteFileName('205-Three Steps.mdx')).toBeUndefined();
  });
});

describe('frontmatter mistakes, one sentence each', () => {
  const ok = { number: 207, title: 'Three steps', date: '2026-11-23', summary: 'S' };
  it('names an unknown field and what it probably meant, and nothing else', () => {
    const { title, ...rest } = ok;
    expect(checkFrontmatter({ ...rest, titel: title }).problems).toEqual(['unknown field titel; did you mean title?']);
    expect(checkFrontmatter({ ...ok, darft: true }).problems).toEqual(['unknown field darft; did you mean draft?']);
    expect(checkFrontmatter({ ...ok, description: 'x' }).problems).toEqual(['unknown field description; did you mean summary?']);
    expect(checkFrontmatter({ ...ok, mood: 'calm' }).problems).toEqual(["unknown field mood (a Note's fields: number, title, date, summary, tags, draft)"]);
  });
  it('says what a list looks like, in the author\'s words', () => {
    expect(checkFrontmatter({ ...ok, tags: 'goals, rhythm' }).problems).toEqual(['tags: a list like [goals, rhythm]']);
    expect(checkFrontmatter({ ...ok, tags: 5 }).problems).toEqual(['tags: a list like [goals, rhythm]']);
  });
  it.each([
    [{ number: undefined }, /^number: missing; write the number the file name starts with/],
    [{ number: 'abc' }, /^number: a whole number like 207, not "abc"$/],
    [{ number: 2.5 }, /^number: a whole number like 207, not 2\.5$/],
    [{ number: -1 }, /^number: a whole number from 1 up, not -1$/],
    [{ title: undefined }, /^title: missing; write one line, e.g. title: "/],
    [{ title: '  ' }, /^title: empty; write one line/],
    [{ title: ['a', 'b'] }, /^title: one line of text in quotes, e\.g\. title: ".*", not a list$/],
    [{ title: 'x'.repeat(201) }, /^title: 201 characters; at most 200$/],
    [{ summary: 'x'.repeat(401) }, /^summary: 401 characters; at most 400$/],
    [{ date: undefined }, /^date: missing; write a date like 2026-11-30, "2026-11-30 07:00" \(the site's time zone\) or 2026-11-30T07:00:00\+01:00$/],
    [{ date: 'next monday' }, /^date: "next monday" is not a date like 2026-11-30/],
    [{ date: 20261130 }, /^date: 20261130 is not a date like/],
    [{ tags: ['goals', ''] }, /^tags: a tag is empty$/],
    [{ tags: ['x'.repeat(41)] }, /^tags: the tag "x+" is longer than 40 characters$/],
    [{ tags: Array.from({ length: 13 }, (_, i) => `t${i}`) }, /^tags: 13 tags; at most 12$/],
    [{ tags: [['a']] }, /^tags: each tag is a word or two of text, not a list$/],
    [{ draft: 'yes' }, /^draft: true or false, not "yes"$/],
  ])('%j: one sentence naming the field', (change, message) => {
    const { problems } = checkFrontmatter({ ...ok, ...change });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
    expect(problems[0]).not.toMatch(/Invalid input|expected|received|Too (big|small)/);
  });
  it('refuses frontmatter that is not a set of fields', () => {
    expect(checkFrontmatter(['a']).problems).toEqual([expect.stringMatching(/^frontmatter: fields one per line/)]);
  });
});
