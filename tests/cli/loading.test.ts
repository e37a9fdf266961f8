import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/content.ts';
import { NODE24 } from '../helpers/site.ts';
import { BUNDLED } from '../../src/cli/vendor-hooks.mjs';

// What a command loads (decision 031): --help and a mistyped command load no package and none of
// the domain code; `access list` loads the database but not React Email, its templates, Stripe or
// a compiler. Module lists, not timings: they say why a start is slow and do not vary with load.
// zod, yaml, drizzle-orm and temporal-polyfill come from one bundle (decision 038), never from
// node_modules beside it: that would be a second copy of a package, with its own classes.

const BIN = path.join(ROOT, 'src/cli/drumbeat.mjs');
const RECORDER = path.join(ROOT, 'tests/cli/fixtures/record-modules.mjs');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'drumbeat-cli-loading-'));
const SLOW = 120_000;
const BUNDLED_FILES = /\/node_modules\/(zod|yaml|drizzle-orm|temporal-polyfill)\//;

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
    modulesOf(['access', 'list']); // the first run after an install builds the bundle
    const r = modulesOf(['access', 'list']);
    expect(r.code).toBe(0);
    expect(r.packages).toEqual(expect.arrayContaining(['@libsql/client']));
    for (const heavy of ['react-email', 'react', 'stripe', 'tsx', 'esbuild', '@mdx-js/mdx', 'nodemailer', 'resend', '@libsql/hrana-client', 'ws']) expect(r.packages).not.toContain(heavy);
    expect(r.urls.filter((u) => u.endsWith('.tsx'))).toEqual([]);
    // The database layer and its schemas from the bundle, in a few files instead of ~300.
    expect(r.urls.filter((u) => BUNDLED_FILES.test(u))).toEqual([]);
    expect(r.urls.filter((u) => u.includes('/node_modules/.cache/drumbeat-cli-bundle/')).length).toBeGreaterThan(3);
    expect(r.urls.length).toBeLessThan(120);
  }, SLOW);

  it('bundles every specifier of the bundled packages that our code imports', () => {
    const specifiers = new Set<string>();
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, e.name);
        if (e.isDirectory()) walk(file);
        else if (/\.(ts|tsx|mjs|js|astro)$/.test(e.name) && !/\.test\.ts$/.test(e.name)) {
          // Runtime imports only: `import type` and `import { type X }` alone are erased.
          for (const m of readFileSync(file, 'utf8').matchAll(/^\s*(?:import|export)\s+(?!type\s)([^;]*?)\s+from\s+'((?:zod|yaml|drizzle-orm|temporal-polyfill)(?:\/[^']*)?)'/gm)) {
            if (!/^\{\s*(type\s+\w+\s*,?\s*)+\}$/.test(m[1]!)) specifiers.add(m[2]!);
          }
          for (const m of readFileSync(file, 'utf8').matchAll(/import\(\s*'((?:zod|yaml|drizzle-orm|temporal-polyfill)(?:\/[^']*)?)'\s*\)/g)) specifiers.add(m[1]!);
        }
      }
    };
    walk(path.join(ROOT, 'src'));
    walk(path.join(ROOT, 'emails'));
    expect(specifiers.size).toBeGreaterThan(3);
    expect([...specifiers].filter((s) => !BUNDLED.includes(s))).toEqual([]);
  });

  it('lists the same with and without the bundle, and uses no bundle built from other files', () => {
    const data = { DATA_DIR: path.join(tmp, 'data-bundle') };
    const grant = spawnSync(NODE24, [BIN, 'access', 'grant', 'ann@example.com', 'okr-workshop-2027-03', '--until', '2027-04-30T18:00'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...data } });
    expect(grant.status, grant.stderr).toBe(0);
    const cache = path.join(tmp, 'bundle-cache');
    // The first run builds the bundle (and reads yaml's export names from the package itself).
    expect(modulesOf(['access', 'list'], { ...data, DRUMBEAT_CLI_BUNDLE_DIR: cache }).code).toBe(0);
    const bundled = modulesOf(['access', 'list'], { ...data, DRUMBEAT_CLI_BUNDLE_DIR: cache });
    const plain = modulesOf(['access', 'list'], { ...data, DRUMBEAT_CLI_BUNDLE: 'off' });
    expect(bundled.code, bundled.err).toBe(0);
    expect(bundled.out).toContain('ann@example.com\tokr-workshop-2027-03\tgranted\t2027-04-30T18:00:00+02:00');
    expect(plain.out).toBe(bundled.out);
    expect(plain.urls.filter((u) => BUNDLED_FILES.test(u)).length).toBeGreaterThan(100);
    expect(bundled.urls.filter((u) => BUNDLED_FILES.test(u))).toEqual([]);

    // One of the files it was built from has changed since (an update, a patch): it is built again.
    const manifestFile = path.join(cache, 'current.json');
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { dir: string; inputs: [string, string][] };
    expect(manifest.inputs.map(([f]) => f)).toEqual(expect.arrayContaining(['node_modules/zod/package.json', 'node_modules/yaml/package.json']));
    const [file] = manifest.inputs.find(([f]) => f.startsWith('node_modules/drizzle-orm/'))!;
    writeFileSync(manifestFile, JSON.stringify({ ...manifest, inputs: manifest.inputs.map(([f, st]) => [f, f === file ? `${statSync(path.join(ROOT, f)).size + 1}:0` : st]) }));
    const again = modulesOf(['access', 'list'], { ...data, DRUMBEAT_CLI_BUNDLE_DIR: cache });
    expect(again.out).toBe(bundled.out);
    const rebuilt = JSON.parse(readFileSync(manifestFile, 'utf8')) as { dir: string };
    expect(rebuilt.dir).not.toBe(manifest.dir);
    expect(again.urls.filter((u) => u.includes(`/bundle-cache/${rebuilt.dir}/`)).length).toBeGreaterThan(3);
    expect(again.urls.filter((u) => u.includes(`/bundle-cache/${manifest.dir}/`))).toEqual([]);

    // A build that failed for these packages is not tried at every start, only once one changes.
    const packages = manifest.inputs.filter(([f]) => /^node_modules\/(zod|yaml|drizzle-orm|temporal-polyfill)\/package\.json$/.test(f));
    expect(packages).toHaveLength(4);
    writeFileSync(manifestFile, JSON.stringify({ format: JSON.parse(readFileSync(manifestFile, 'utf8')).format, failed: packages }));
    const failed = readFileSync(manifestFile, 'utf8');
    const unbundled = modulesOf(['access', 'list'], { ...data, DRUMBEAT_CLI_BUNDLE_DIR: cache });
    expect(unbundled.out).toBe(bundled.out);
    expect(unbundled.urls.filter((u) => BUNDLED_FILES.test(u)).length).toBeGreaterThan(100);
    expect(readFileSync(manifestFile, 'utf8')).toBe(failed);
    writeFileSync(manifestFile, failed.replace(packages[0]![1], '1:0'));
    const retried = modulesOf(['access', 'list'], { ...data, DRUMBEAT_CLI_BUNDLE_DIR: cache });
    expect(retried.out).toBe(bundled.out);
    expect((JSON.parse(readFileSync(manifestFile, 'utf8')) as { dir?: string }).dir).toBeTruthy();
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
