import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { noteSource, ROOT, tempContent } from '../helpers/content.ts';
import { scanNotes } from '../../src/lib/notes/validate.ts';

const NODE24 = path.join(ROOT, 'node_modules', '.bin', 'node');
const BIN = path.join(ROOT, 'src', 'cli', 'drumbeat.mjs');

function drumbeat(contentDir: string, ...args: string[]) {
  const r = spawnSync(NODE24, [BIN, ...args], { cwd: path.dirname(contentDir), encoding: 'utf8', env: { ...process.env, DRUMBEAT_CONTENT_DIR: contentDir } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const fm = (number: number, date = '2026-11-23') => ({ number, title: `Note ${number}`, date, summary: 'S' });

// One CLI call: about 2 s of CPU (tsx loading the sources), 10-15 s wall time measured on the
// 2-core machine under a load of 12; tests with up to three calls get 120 s.
describe('drumbeat note new / note translate', { timeout: 120_000 }, () => {
  it('creates the next Note with a valid frontmatter, scheduled after the latest', () => {
    const dir = tempContent({ 'en/204-a.mdx': noteSource(fm(204)), 'en/205-b.mdx': noteSource(fm(205, '2030-01-07 07:00')), 'it/204-a.mdx': noteSource(fm(204)) });
    const r = drumbeat(dir, 'note', 'new', '--lang', 'en', '--title', 'Perché? Tre passi!');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Created .*206-perche-tre-passi\.mdx: Note №206/);
    const text = readFileSync(path.join(dir, 'notes/en/206-perche-tre-passi.mdx'), 'utf8');
    expect(text).toContain('number: 206');
    expect(text).toContain('title: "Perché? Tre passi!"');
    // The Monday after the latest scheduled Note (2030-01-07 was a Monday), at 07:00 site time.
    expect(text).toContain('date: "2030-01-14 07:00"');
    expect(text).toContain('draft: true');
    expect(scanNotes(dir, ['en', 'it'], 'en').problems).toEqual([]);
  });

  it('creates a translation skeleton with the same number and date', () => {
    const dir = tempContent({ 'en/205-three-steps.mdx': noteSource(fm(205), 'Body with <NoteRef n={205} />.') });
    const r = drumbeat(dir, 'note', 'translate', '205', '--lang', 'it');
    expect(r.code).toBe(0);
    const file = path.join(dir, 'notes/it/205-three-steps.mdx');
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('number: 205');
    expect(text).toContain('date: "2026-11-23"');
    expect(text).toContain('Body with <NoteRef n={205} />.');
    expect(scanNotes(dir, ['en', 'it'], 'en').problems).toEqual([]);
    // Without --title the English slug stays, and the author is told how to get an Italian one.
    expect(r.out).toMatch(/keep the original's slug "three-steps": give --title/);
    // A second time: refused, nothing overwritten.
    const again = drumbeat(dir, 'note', 'translate', '205', '--lang', 'it');
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/^drumbeat: Note 205 already has a it version/);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('names the translation from --title when one is given', () => {
    const dir = tempContent({ 'en/205-three-steps.mdx': noteSource(fm(205)) });
    const r = drumbeat(dir, 'note', 'translate', '205', '--lang', 'it', '--title', 'Tre passi per un obiettivo');
    expect(r.code).toBe(0);
    expect(readFileSync(path.join(dir, 'notes/it/205-tre-passi-per-un-obiettivo.mdx'), 'utf8')).toContain('title: "Tre passi per un obiettivo"');
    expect(r.out).not.toMatch(/original's slug/);
  });

  it.each([
    [['note', 'new', '--lang', 'en'], /--title is required/],
    [['note', 'new', '--lang', 'fr', '--title', 'x'], /unknown language "fr"/],
    [['note', 'new', '--title', 'x', '--bogus'], /Unknown option '--bogus'/],
    [['note', 'translate', 'abc', '--lang', 'it'], /expected a Note number/],
    [['note', 'translate', '999', '--lang', 'it'], /Note 999 has no original/],
    [['note', 'translate', '205', '--lang', 'en'], /already written in en/],
    [['note', 'frob'], /unknown command "note frob"/],
  ])('refuses %j with one clear line and nothing written', (args, message) => {
    const dir = tempContent({ 'en/205-three-steps.mdx': noteSource(fm(205)) });
    const r = drumbeat(dir, ...args);
    expect(r.code).not.toBe(0);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(message);
    expect(readdirSync(path.join(dir, 'notes'), { recursive: true }).filter((f) => String(f).endsWith('.mdx'))).toEqual(['en/205-three-steps.mdx']);
  });

  it('has --help for every command', () => {
    const dir = tempContent({});
    for (const cmd of [['note', 'new'], ['note', 'translate']]) {
      const r = drumbeat(dir, ...cmd, '--help');
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/Usage: drumbeat note/);
    }
    expect(drumbeat(dir, '--help').out).toMatch(/note new/);
  });
});

describe('npx drumbeat from a shell', () => {
  // The author's shell: the machine's own Node and npm (Node 20 here), none of the PATH or npm_*
  // settings that `npm test` adds, and an empty npx cache, as on a fresh clone.
  function shell(cwd: string, command: string, args: string[]) {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
    env.PATH = (process.env.PATH ?? '').split(path.delimiter).filter((p) => !p.includes(`node_modules${path.sep}.bin`)).join(path.delimiter);
    env.npm_config_cache = mkdtempSync(path.join(os.tmpdir(), 'drumbeat-npm-cache-'));
    const r = spawnSync(command, args, { cwd, encoding: 'utf8', env, timeout: 120_000 });
    return { code: r.status, out: r.stdout, err: r.stderr };
  }

  // About 2-5 s per call here; the budget is for a machine under load.
  it('keeps stderr empty: no EBADENGINE warnings from npm', { timeout: 240_000 }, () => {
    for (const cwd of [ROOT, path.join(ROOT, 'content')]) {
      const r = shell(cwd, 'npx', ['drumbeat', 'note', 'new', '--help']);
      expect(r.err, cwd).toBe('');
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/Usage: drumbeat note new/);
    }
  });

  it('runs on the project\'s Node 24 when started with an older node', { timeout: 120_000 }, () => {
    const r = shell(os.tmpdir(), 'node', [BIN, 'note', 'translate', '--help']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Usage: drumbeat note translate/);
  });
});
