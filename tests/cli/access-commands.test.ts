import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDrumbeat } from '../helpers/cli.ts';
import { ROOT } from '../helpers/content.ts';
import { NODE24 } from '../helpers/site.ts';

// `npx drumbeat access …` as the author runs it: a real process on a real SQLite file.

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'drumbeat-access-cli-'));
function drumbeat(...args: string[]) {
  const r = spawnSync(NODE24, [path.join(ROOT, 'src/cli/drumbeat.mjs'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, DATA_DIR: dataDir } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** The same, without waiting: independent refusals run side by side. */
function drumbeatAsync(...args: string[]) {
  return runDrumbeat(args, { DATA_DIR: dataDir });
}

// Each command starts Node with tsx and the project's modules: a few seconds on a busy CI machine.
const SLOW = 120_000;

describe('drumbeat access', () => {
  it('grants with the product rule, extends, lists one line per grant, and revokes', () => {
    expect(drumbeat('access', 'grant', 'Ann@Example.com', 'okr-workshop-2027-03')).toMatchObject({ code: 0, out: expect.stringContaining('Granted ann@example.com access to okr-workshop-2027-03 until 2027-03-26T18:00:00+01:00') });
    expect(drumbeat('access', 'grant', 'ann@example.com', 'okr-workshop-2027-03', '--until', '2027-04-30T18:00')).toMatchObject({ code: 0, out: expect.stringContaining('until 2027-04-30T18:00:00+02:00') });
    expect(drumbeat('access', 'grant', 'bob@example.com', 'okr-coach', '--cohort', 'autumn-2027').code).toBe(0);
    const list = drumbeat('access', 'list');
    expect(list.code).toBe(0);
    expect(list.out.trim().split('\n')).toEqual([
      'ann@example.com\tokr-workshop-2027-03\tgranted\t2027-04-30T18:00:00+02:00',
      'bob@example.com\tokr-coach/autumn-2027\tgranted\t2028-03-31T23:59:00+02:00',
    ]);
    expect(drumbeat('access', 'revoke', 'ann@example.com', 'okr-workshop-2027-03')).toMatchObject({ code: 0, out: expect.stringContaining('Revoked 1') });
    expect(drumbeat('access', 'list', 'ann@example.com').out).toContain('\trevoked\t');
    expect(drumbeat('access', 'revoke', 'ann@example.com', 'okr-workshop-2027-03')).toMatchObject({ code: 0, out: expect.stringContaining('nothing changed') });
  }, SLOW);

  it('refuses bad input with one line and exit 1, changing nothing', async () => {
    const before = drumbeat('access', 'list').out;
    const cases = [
      ['access', 'grant', 'not-an-email', 'okr-coach'],
      ['access', 'grant', 'a@example.com', 'no-such-product'],
      ['access', 'grant', 'a@example.com', 'okr-coach', '--until', 'tomorrow'],
      ['access', 'grant', 'a@example.com', 'okr-coach', '--cohort', 'winter-1999'],
      ['access', 'grant', 'a@example.com'],
      ['access', 'revoke', 'a@example.com', 'no-such-product'],
      ['access', 'list', 'a@example.com', 'b@example.com'],
      ['access', 'grant', 'a@example.com', 'okr-coach', '--bogus'],
    ];
    const results = await Promise.all(cases.map((args) => drumbeatAsync(...args)));
    results.forEach((r, i) => {
      expect(r.code, cases[i]!.join(' ')).toBe(1);
      expect(r.err.trim().split('\n')).toHaveLength(1);
    });
    expect(drumbeat('access', 'list').out).toBe(before);
  }, SLOW);

  it('has --help', () => {
    expect(drumbeat('access', 'grant', '--help')).toMatchObject({ code: 0, out: expect.stringContaining('Usage: drumbeat access grant EMAIL PRODUCT') });
  }, SLOW);
});
