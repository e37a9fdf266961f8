import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/content.ts';
import { NODE24 } from '../helpers/site.ts';

// `npx drumbeat subscribers …` as the author runs it: a real process on a real SQLite file.

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'drumbeat-subscribers-cli-'));
const work = mkdtempSync(path.join(os.tmpdir(), 'drumbeat-subscribers-files-'));
function drumbeat(...args: string[]) {
  const r = spawnSync(NODE24, [path.join(ROOT, 'src/cli/drumbeat.mjs'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, DATA_DIR: dataDir } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const SLOW = 120_000;

describe('drumbeat subscribers: file errors in words', () => {
  it('refuses to overwrite an export without --force, and names a missing import file', () => {
    const out = path.join(work, 'all.csv');
    writeFileSync(out, 'keep me');
    const refused = drumbeat('subscribers', 'export', '--out', out);
    expect(refused.code).toBe(1);
    expect(refused.err.trim()).toBe(`drumbeat: cannot write ${out}: it already exists (use --force)`);
    expect(readFileSync(out, 'utf8')).toBe('keep me');
    expect(drumbeat('subscribers', 'export', '--out', out, '--force').code).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/^email,/);

    const missing = drumbeat('subscribers', 'import', path.join(work, 'nope.csv'));
    expect(missing.code).toBe(1);
    expect(missing.err.trim()).toBe(`drumbeat: cannot read ${path.join(work, 'nope.csv')}: no such file or folder`);
    const noDir = drumbeat('subscribers', 'export', '--out', path.join(work, 'no-dir', 'x.csv'));
    expect(noDir.err.trim()).toMatch(/: no such file or folder$/);
    expect(noDir.err).not.toMatch(/ENOENT|EEXIST/);
  }, SLOW);
});

describe('drumbeat subscribers import --lang', () => {
  it('gives rows without a language the --lang one, reads a language column where there is one, refuses an unknown --lang', () => {
    const file = path.join(work, 'substack.csv');
    writeFileSync(file, [
      'email,active_subscription,expiry,plan,email_disabled,created_at,first_payment_at,Language',
      'rosa@example.com,false,,,false,2026-01-05T10:00:00.000Z,,',
      'tom@example.com,false,,,false,2026-01-05T10:00:00.000Z,,EN',
    ].join('\n'));
    const bad = drumbeat('subscribers', 'import', file, '--lang', 'fr');
    expect(bad.code).toBe(1);
    expect(bad.err.trim()).toBe('drumbeat: --lang must be one of: en, it');
    const r = drumbeat('subscribers', 'import', file, '--lang', 'it');
    expect(r.code, r.err).toBe(0);
    const rows = drumbeat('subscribers', 'export').out.trim().split('\n');
    expect(rows.find((l) => l.startsWith('rosa@'))).toMatch(/^rosa@example\.com,active,it,/);
    expect(rows.find((l) => l.startsWith('tom@'))).toMatch(/^tom@example\.com,active,en,/);
  }, SLOW);
});
