import { describe, expect, it } from 'vitest';
import { noteFrontmatterSchema, parseNoteFileName, parsePublishMoment } from './frontmatter.ts';
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
