import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ROOT } from '../helpers/content.ts';
import { NODE24 } from '../helpers/site.ts';
import { startSqld, type RunningSqld } from '../helpers/sqld.ts';

// Processes that start together on an empty database all migrate it: none may fail because
// another one created a table first.

let sqld: RunningSqld;
beforeAll(async () => {
  sqld = await startSqld();
});
afterAll(() => sqld?.stop());

function prepare(databaseUrl: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(NODE24, ['--import', 'tsx', path.join(ROOT, 'tests/instances/prepare-database.ts')], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl, DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'drumbeat-race-')) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

it.each([
  ['a libSQL server', () => sqld.url],
  ['one SQLite file', () => `file:${path.join(mkdtempSync(path.join(os.tmpdir(), 'drumbeat-race-db-')), 'drumbeat.db')}`],
])('six processes migrate an empty database on %s at once', async (_label, url) => {
  const databaseUrl = url();
  const results = await Promise.all(Array.from({ length: 6 }, () => prepare(databaseUrl)));
  for (const r of results) expect(r, r.output).toMatchObject({ code: 0 });
}, 120_000);
