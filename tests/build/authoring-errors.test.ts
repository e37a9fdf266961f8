import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { noteSource, ROOT, tempContent } from '../helpers/content.ts';
import { buildSite, startSite, type RunningSite } from '../helpers/site.ts';

// What an author sees when the content is wrong: the problems, one line each (file: problem), and
// a non-zero exit; no framework banner, no Location, no stack trace, whichever way the build runs.

const tmp = (prefix: string) => mkdtempSync(path.join(os.tmpdir(), prefix));

function brokenContent(): { dir: string; en: string } {
  const dir = tempContent({
    // One typo and one wrong list in the original; its translation is fine.
    'en/207-goals.mdx': '---\nnumber: 207\ntitel: "Goals that hold"\ndate: 2026-11-23\nsummary: S\ntags: goals, rhythm\n---\n\nWords.\n',
    'it/207-obiettivi.mdx': noteSource({ number: 207, title: 'Obiettivi', date: '2026-11-23', summary: 'S' }),
  });
  return { dir, en: path.relative(ROOT, path.join(dir, 'notes/en/207-goals.mdx')) };
}

function npm(args: string[], env: Record<string, string>) {
  const r = spawnSync('npm', args, {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 180_000,
    env: { ...process.env, NO_COLOR: '1', ...env },
  });
  return { code: r.status, stderr: r.stderr, stdout: r.stdout };
}

function expectOnlyProblems(stderr: string, lines: string[]) {
  expect(stderr.trimEnd().split('\n')).toEqual(lines);
  expect(stderr).not.toMatch(/astro:config:setup|Location:|Stack trace|\n\s+at /);
}

describe('content problems stop the build and the server with one line each', () => {
  // Measured 2–7 s each on a loaded 2-core machine; the budget leaves room for much worse.
  it('npm run build', { timeout: 120_000 }, () => {
    const { dir, en } = brokenContent();
    const r = npm(['run', 'build'], { DRUMBEAT_CONTENT_DIR: dir, DRUMBEAT_OUT_DIR: tmp('drumbeat-out-') });
    expect(r.code).toBe(1);
    expectOnlyProblems(r.stderr, [`${en}: unknown field titel; did you mean title?`, `${en}: tags: a list like [goals, rhythm]`]);
  });

  it('astro build, as the tests and CI call it, says the same', { timeout: 120_000 }, () => {
    const { dir, en } = brokenContent();
    mkdirSync(path.join(dir, 'products'));
    writeFileSync(path.join(dir, 'products', 'broken.yaml'), 'kind: workshop\ntitle: { en: Broken }\nsummary: { en: S }\ndescription: { en: D }\ncurrency: EUR\n');
    const r = spawnSync(path.join(ROOT, 'node_modules/.bin/astro'), ['build', '--force'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, DRUMBEAT_CONTENT_DIR: dir, DRUMBEAT_OUT_DIR: tmp('drumbeat-out-'), ASTRO_TELEMETRY_DISABLED: '1', NO_COLOR: '1' },
    });
    expect(r.status).toBe(1);
    expectOnlyProblems(r.stderr, [
      `${en}: unknown field titel; did you mean title?`,
      `${en}: tags: a list like [goals, rhythm]`,
      expect.stringMatching(/products\/broken\.yaml: price: set price \(with currency\) or stripePrice/) as unknown as string,
    ]);
  });

  it('a mistake in site.yaml, read by astro.config.mjs before any hook, is one line too', { timeout: 120_000 }, () => {
    const dir = tempContent({});
    writeFileSync(path.join(dir, 'site.yaml'), readFileSync(path.join(dir, 'site.yaml'), 'utf8').replace(/^timeZone: .*$/m, 'timeZone: Europe/Roma'));
    const r = npm(['run', 'build'], { DRUMBEAT_CONTENT_DIR: dir, DRUMBEAT_OUT_DIR: tmp('drumbeat-out-') });
    expect(r.code).toBe(1);
    expectOnlyProblems(r.stderr, [`${path.join(dir, 'site.yaml')}: timeZone: not a known IANA time zone`]);
  });

  it('npm start (which builds when the sources changed) stops before building', { timeout: 120_000 }, () => {
    const { dir, en } = brokenContent();
    const r = npm(['start'], { DRUMBEAT_CONTENT_DIR: dir, DRUMBEAT_OUT_DIR: tmp('drumbeat-out-'), DATA_DIR: tmp('drumbeat-data-'), PORT: '1' });
    expect(r.code).toBe(1);
    expect(r.stdout).not.toMatch(/Building the site/);
    expectOnlyProblems(r.stderr, [`${en}: unknown field titel; did you mean title?`, `${en}: tags: a list like [goals, rhythm]`]);
  });
});

describe('a Note dated with a full ISO moment and offset', () => {
  let server: RunningSite | undefined;
  let out: string | undefined;
  afterAll(async () => {
    await server?.stop();
    if (out) rmSync(out, { recursive: true, force: true });
  });

  // A real build and server: 20–30 s under load.
  it('builds and goes public at the instant it names', { timeout: 240_000 }, async () => {
    const content = tempContent({
      // Unquoted: Astro's YAML reader turns it into a Date, ours too; both must mean 06:00Z.
      'en/1-first.mdx': '---\nnumber: 1\ntitle: First\ndate: 2026-12-07T07:00:00+01:00\nsummary: S\n---\n\nWords.\n',
      'en/2-second.mdx': noteSource({ number: 2, title: 'Second', date: '2026-12-07T09:00:00Z', summary: 'S' }),
    });
    // Inside the project, so the built server finds node_modules.
    mkdirSync(path.join(ROOT, 'tests', '.tmp'), { recursive: true });
    out = mkdtempSync(path.join(ROOT, 'tests', '.tmp', 'dist-iso-date-'));
    const { code, output } = buildSite(out, content);
    expect(code, output).toBe(0);
    server = await startSite(out, { DRUMBEAT_CONTENT_DIR: content });
    // The server's clock runs on from where it is set: a second's margin was crossed under load
    // (the first request renders the page), so "before" is a minute before.
    await server.setClock('2026-12-07T05:59:00Z');
    expect((await fetch(`${server.url}/notes/1-first/`)).status).toBe(404);
    await server.setClock('2026-12-07T06:00:00Z');
    expect((await fetch(`${server.url}/notes/1-first/`)).status).toBe(200);
    expect((await fetch(`${server.url}/notes/2-second/`)).status).toBe(404);
    await server.setClock('2026-12-07T09:00:00Z');
    expect((await fetch(`${server.url}/notes/2-second/`)).status).toBe(200);
  });
});
