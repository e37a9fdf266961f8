import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { noteSource, ROOT, tempContent } from '../../../tests/helpers/content.ts';
import { loadSiteConfig } from '../core/site.ts';
import { citedNumbers, formatProblems, scanNotes } from './validate.ts';

const fm = (number: number, extra: Record<string, unknown> = {}) => ({ number, title: `Note ${number}`, date: '2026-11-23', summary: 'S', ...extra });

function problemsOf(notes: Record<string, string>) {
  const dir = tempContent(notes);
  return formatProblems(scanNotes(dir, ['en', 'it'], 'en').problems);
}

describe('content validation', () => {
  it('accepts the shipped sample content', () => {
    const site = loadSiteConfig(path.join(ROOT, 'content'));
    const { notes, problems } = scanNotes(path.join(ROOT, 'content'), site.languages, site.defaultLanguage);
    expect(problems).toEqual([]);
    expect(notes.filter((n) => n.lang === 'en').length).toBeGreaterThanOrEqual(12);
    expect(notes.filter((n) => n.lang === 'it').length).toBeGreaterThanOrEqual(6);
  });

  it('finds NoteRef citations in any spelling', () => {
    expect(citedNumbers('a <NoteRef n={92} /> b <NoteRef  n="7"/> c <NoteRef n={ 3 }/>')).toEqual([92, 7, 3]);
  });

  it('rejects a duplicate number in one language, naming both files', () => {
    const out = problemsOf({ 'en/5-a.mdx': noteSource(fm(5)), 'en/5-b.mdx': noteSource(fm(5)) });
    expect(out).toMatch(/notes\/en\/5-b\.mdx: number: 5 is already used by .*notes\/en\/5-a\.mdx/);
  });

  it('rejects a missing title and a bad date with file and field', () => {
    const out = problemsOf({ 'en/1-a.mdx': noteSource(fm(1, { title: undefined })), 'en/2-b.mdx': noteSource(fm(2, { date: '2026-02-31' })) });
    expect(out).toMatch(/notes\/en\/1-a\.mdx: title: /);
    expect(out).toMatch(/notes\/en\/2-b\.mdx: date: "2026-02-31" is not a date/);
  });

  it('rejects an unknown language folder', () => {
    expect(problemsOf({ 'fr/1-a.mdx': noteSource(fm(1)) })).toMatch(/notes\/fr: unknown language "fr"/);
  });

  it('rejects a translation whose number has no original', () => {
    expect(problemsOf({ 'it/9-a.mdx': noteSource(fm(9)) })).toMatch(/notes\/it\/9-a\.mdx: translation of Note 9, but there is no original content\/notes\/en\/9-\*\.mdx/);
  });

  it('rejects a citation of a Note that does not exist, naming both files', () => {
    const out = problemsOf({ 'en/3-a.mdx': noteSource(fm(3), 'See <NoteRef n={92} />.') });
    expect(out).toMatch(/notes\/en\/3-a\.mdx: <NoteRef n=\{92\} \/> cites Note 92, but no file content\/notes\/en\/92-\*\.mdx exists/);
  });

  it('rejects a file name that disagrees with the frontmatter', () => {
    expect(problemsOf({ 'en/4-a.mdx': noteSource(fm(40)) })).toMatch(/4-a\.mdx: number: frontmatter says 40 but the file name says 4/);
  });

  it('accepts citations of other languages and drafts as existing Notes', () => {
    expect(problemsOf({ 'en/1-a.mdx': noteSource(fm(1, { draft: true })), 'en/2-b.mdx': noteSource(fm(2), '<NoteRef n={1} />'), 'it/2-b.mdx': noteSource(fm(2), '<NoteRef n={1} />') })).toBe('');
  });

  it('gives one mistake one message: a misspelt field in an original is not also an orphan translation', () => {
    const en = '---\nnumber: 207\ntitel: "Goals"\ndate: 2026-11-23\nsummary: S\n---\n\nWords.\n';
    const out = problemsOf({ 'en/207-goals.mdx': en, 'it/207-obiettivi.mdx': noteSource(fm(207)), 'en/208-b.mdx': noteSource(fm(208), '<NoteRef n={207} />') });
    expect(out.split('\n')).toEqual([expect.stringMatching(/notes\/en\/207-goals\.mdx: unknown field titel; did you mean title\?$/)]);
  });

  it('says what tags should look like, once', () => {
    const out = problemsOf({ 'en/1-a.mdx': '---\nnumber: 1\ntitle: A\ndate: 2026-11-23\nsummary: S\ntags: goals, rhythm\n---\n\nWords.\n' });
    expect(out.split('\n')).toEqual([expect.stringMatching(/notes\/en\/1-a\.mdx: tags: a list like \[goals, rhythm\]$/)]);
  });

  it('accepts a full ISO moment with an offset, and refuses an unquoted time without a zone (YAML reads it as UTC)', () => {
    const note = (date: string) => `---\nnumber: 1\ntitle: A\ndate: ${date}\nsummary: S\n---\n\nWords.\n`;
    expect(problemsOf({ 'en/1-a.mdx': note('2026-12-07T07:00:00+01:00') })).toBe('');
    expect(problemsOf({ 'en/1-a.mdx': note('2026-12-07T07:00:00Z') })).toBe('');
    expect(problemsOf({ 'en/1-a.mdx': note('"2026-12-07 07:00:00"') })).toBe('');
    expect(problemsOf({ 'en/1-a.mdx': note('2026-12-07 07:00:00') })).toMatch(/1-a\.mdx: date: 2026-12-07 07:00:00 without quotes is read as UTC; write a date like 2026-11-30, "2026-11-30 07:00"/);
  });
});
