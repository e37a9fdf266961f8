import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentProblems } from '../../src/app/content-check.ts';
import { ROOT, tempContent } from '../helpers/content.ts';
import { buildSite } from '../helpers/site.ts';

// A lesson's `opens` that is not a number of days stops the build and `npm start` (which share
// contentProblems) with one line naming the file; so does a translation opening on another day.

function courseWith(lang: 'en' | 'it', file: string, edit: (source: string) => string): { dir: string; rel: string } {
  const dir = tempContent({});
  for (const sub of ['products', 'courses']) cpSync(path.join(ROOT, 'content', sub), path.join(dir, sub), { recursive: true });
  const target = path.join(dir, 'courses', 'okr-coach', lang, file);
  writeFileSync(target, edit(readFileSync(target, 'utf8')));
  return { dir, rel: path.relative(process.cwd(), target) };
}

describe('lesson schedules', () => {
  it('a bad opens fails the real build, naming the file', { timeout: 180_000 }, () => {
    const { dir } = courseWith('en', '02-the-first-writing-session.mdx', (s) => s.replace('opens: 7d', 'opens: next week'));
    const { code, output } = buildSite(mkdtempSync(path.join(os.tmpdir(), 'drumbeat-out-')), dir);
    expect(code).toBe(1);
    expect(output).toContain(`${path.relative(ROOT, path.join(dir, 'courses/okr-coach/en/02-the-first-writing-session.mdx'))}: opens: "next week" is not a number of days after the cohort starts, like 0d, 7d or 14d`);
    expect(output).not.toMatch(/\n\s+at /);
  });

  it('npm start’s check says the same, and refuses a translation that opens on another day', () => {
    const bad = courseWith('en', '03-the-weekly-check-in.mdx', (s) => s.replace('opens: 14d', 'opens: 2w'));
    expect(contentProblems(bad.dir)).toEqual([`${bad.rel}: opens: "2w" is not a number of days after the cohort starts, like 0d, 7d or 14d`]);
    const apart = courseWith('it', '03-il-check-in-settimanale.mdx', (s) => s.replace('opens: 14d', 'opens: 21d'));
    const en = path.relative(process.cwd(), path.join(apart.dir, 'courses/okr-coach/en/03-the-weekly-check-in.mdx'));
    expect(contentProblems(apart.dir)).toEqual([`${apart.rel}: opens: 21d, but ${en} (the same lesson) opens 14d`]);
  });
});
