import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/content.ts';
import { NODE24 } from '../helpers/site.ts';

// What a command loads (decision 031): --help and a mistyped command load no package and none of
// the domain code; `access list` loads the database but not React Email, its templates, Stripe or
// a compiler. Module lists, not timings: they say why a start is slow and do not vary with load.

const BIN = path.join(ROOT, 'src/cli/drumbeat.mjs');
const RECORDER = path.join(ROOT, 'tests/cli/fixtures/record-modules.mjs');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'drumbeat-cli-loading-'));
const SLOW = 120_000;

function modulesOf(args: string[], env: Record<string, string> = {}) {
  const record = path.join(tmp, `modules-${Math.random().toString(36).slice(2)}.txt`);
  const r = spawnSync(NODE24, ['--import', RECORDER, BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, DATA_DIR: path.join(tmp, 'data'), RECORD_MODULES: record, ...env } });
  const urls = readFileSync(record, 'utf8').trim().split('\n').filter((u) => u.startsWith('file:'));
  return { code: r.status, out: r.stdout, err: r.stderr, urls, packages: [...new Set(urls.flatMap((u) => u.match(/\/node_modules\/((?:@[^/]+\/)?[^/]+)\//)?.[1] ?? []))] };
}

describe('what drumbeat loads', () => {
  it('for --help, a command\'s --help and a usage error: its own files and no package', () => {
    for (const args of [['--help'], ['access', 'list', '--help'], ['newsletter', 'send', '--bogus'], ['frobnicate']]) {
      const r = modulesOf(args);
      expect(r.code, args.join(' ')).toBe(args.includes('--help') ? 0 : 1);
      expect(r.packages, args.join(' ')).toEqual([]);
      const ours = r.urls.map((u) => path.relative(ROOT, new URL(u).pathname));
      // Beside src/cli only the small pure modules the tables name (the clock, a period parser, the address rule).
      expect(ours.filter((f) => f.startsWith('src/lib/')).length, args.join(' ')).toBeLessThanOrEqual(3);
      expect(ours.filter((f) => f.startsWith('src/') && !f.startsWith('src/cli/') && !f.startsWith('src/lib/') && f !== 'src/server/resolve-hooks.mjs'), args.join(' ')).toEqual([]);
    }
  }, SLOW);

  it('for access list: the database, without React Email, the templates, Stripe, tsx or esbuild', () => {
    const r = modulesOf(['access', 'list']);
    expect(r.code).toBe(0);
    expect(r.packages).toEqual(expect.arrayContaining(['drizzle-orm', '@libsql/client']));
    for (const heavy of ['react-email', 'react', 'stripe', 'tsx', 'esbuild', '@mdx-js/mdx', 'nodemailer', 'resend']) expect(r.packages).not.toContain(heavy);
    expect(r.urls.filter((u) => u.endsWith('.tsx'))).toEqual([]);
  }, SLOW);

  it('compiles the .tsx templates itself when a command renders an email, without tsx', () => {
    const r = modulesOf(['newsletter', 'preview', '205']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^Subject: /m);
    expect(r.urls.filter((u) => u.endsWith('.tsx')).length).toBeGreaterThan(3);
    expect(r.packages).not.toContain('tsx');
    // What it compiled is kept: V8's code and the stripped TypeScript, between runs.
    expect(readdirSync(path.join(ROOT, 'node_modules/.cache/drumbeat-cli')).length).toBeGreaterThan(0);
  }, SLOW);

  it('run as a program, starts the project\'s Node 24 itself: the `node` on PATH is never run', () => {
    // A PATH whose `node` fails loudly, as the machine's Node 20 would only have started Node 24.
    const fakeBin = path.join(tmp, 'bin');
    spawnSync('mkdir', ['-p', fakeBin]);
    writeFileSync(path.join(fakeBin, 'node'), '#!/bin/sh\necho "the PATH node ran" >&2\nexit 99\n');
    chmodSync(path.join(fakeBin, 'node'), 0o755);
    const r = spawnSync(path.join(ROOT, 'node_modules/.bin/drumbeat'), ['--help'], { cwd: os.tmpdir(), encoding: 'utf8', env: { ...process.env, PATH: `${fakeBin}:/usr/bin:/bin` } });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("drumbeat: the author's commands");
  }, SLOW);
});
