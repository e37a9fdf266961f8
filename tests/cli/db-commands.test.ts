import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readdirSync, closeSync, statSync, writeFileSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient } from '@libsql/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, getDb } from '../../src/lib/core/db/client.server.ts';
import { subscribers } from '../../src/lib/core/db/schema.ts';
import { ROOT } from '../helpers/content.ts';
import { useTempDatabase } from '../helpers/db.ts';
import { NODE24 } from '../helpers/site.ts';

// `drumbeat db backup | restore | check` as the operator runs them, in real processes on real
// SQLite files: a backup taken while another connection keeps writing, restored elsewhere; a
// restore refused for a damaged file and while a worker runs on the database.

let dataDir: string;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'drumbeat-db-cli-'));

function drumbeat(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(NODE24, [path.join(ROOT, 'src/cli/drumbeat.mjs'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000, env: { ...process.env, DATA_DIR: dataDir, ...env } });
  return { code: r.status, out: r.stdout.trim(), err: r.stderr.trim() };
}

function drumbeatAsync(args: string[]) {
  const child = spawn(NODE24, [path.join(ROOT, 'src/cli/drumbeat.mjs'), ...args], { cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir } });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  return { child, output: () => out, exit: new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code))) };
}

const row = (i: number) => ({ email: `w${i}@example.com`, lang: 'en', status: 'active' as const, source: 't', consentVersion: 'v', consentAt: 1, createdAt: 1, updatedAt: 1 });

async function inspect(file: string) {
  const c = createClient({ url: `file:${file}` });
  try {
    const check = await c.execute('PRAGMA integrity_check');
    const emails = await c.execute(`SELECT email FROM subscribers WHERE email LIKE 'w%'`);
    return { integrity: String(check.rows[0]![0]), emails: new Set(emails.rows.map((r) => String(r[0]))) };
  } finally {
    c.close();
  }
}

beforeAll(async () => {
  ({ dataDir } = await useTempDatabase());
  dataDir = process.env.DATA_DIR!;
});
afterAll(() => closeDb());

describe('db backup', () => {
  it('copies every row committed before it began, while another connection keeps writing; the copy restores and passes integrity_check', { timeout: 240_000 }, async () => {
    let committed = 0;
    let writing = true;
    const writer = (async () => {
      // One autocommitted insert at a time: `committed` counts rows that are durable in the database.
      while (writing) {
        await getDb().insert(subscribers).values(row(committed));
        committed++;
        // The embedded driver can answer without a turn of the event loop: let the child's exit in.
        await new Promise((r) => setImmediate(r));
      }
    })();
    while (committed < 200) await new Promise((r) => setTimeout(r, 10));
    const before = committed;
    const backup = drumbeatAsync(['db', 'backup', path.join(tmp, 'during.db')]);
    // Writes go on while the backup runs.
    const code = await backup.exit;
    const after = committed;
    writing = false;
    await writer;
    expect(code, backup.output()).toBe(0);
    expect(backup.output()).toMatch(/^Backed up .*drumbeat\.db to .*during\.db \(\d+ KB\)\.\n$/);
    expect(after).toBeGreaterThan(before);

    const copy = await inspect(path.join(tmp, 'during.db'));
    expect(copy.integrity).toBe('ok');
    for (let i = 0; i < before; i++) expect(copy.emails.has(`w${i}@example.com`)).toBe(true);

    // Restored into an installation of its own, it is a database the site starts on.
    const elsewhere = mkdtempSync(path.join(tmp, 'restored-'));
    const restore = drumbeat(['db', 'restore', path.join(tmp, 'during.db')], { DATA_DIR: elsewhere });
    expect(restore.code, restore.err).toBe(0);
    expect(restore.out).toMatch(/^Restored .*during\.db into .*drumbeat\.db\.$/);
    const restored = await inspect(path.join(elsewhere, 'drumbeat.db'));
    expect(restored.integrity).toBe('ok');
    expect(restored.emails.size).toBe(copy.emails.size);
    const check = drumbeat(['db', 'check'], { DATA_DIR: elsewhere });
    expect(check.code, check.err).toBe(0);
    expect(check.out).toMatch(/^integrity: ok\nmigrations: (\d+) of \1 applied \(latest \w+\)\n/);
    expect(check.out).toMatch(new RegExp(`^subscribers\\t${copy.emails.size}$`, 'm'));
  });

  it('never replaces a file without --force', async () => {
    const file = path.join(tmp, 'kept.db');
    writeFileSync(file, 'precious');
    const r = drumbeat(['db', 'backup', file]);
    expect(r.code).toBe(1);
    expect(r.err).toBe(`drumbeat: ${file} already exists (add --force to replace it)`);
    expect(statSync(file).size).toBe('precious'.length);
    const forced = drumbeat(['db', 'backup', file, '--force']);
    expect(forced.code, forced.err).toBe(0);
    expect((await inspect(file)).integrity).toBe('ok');
    expect(readdirSync(tmp).filter((f) => f.includes('.partial-'))).toEqual([]);
  });

  it('points a libSQL server to its own backups, in one line', () => {
    for (const verb of ['backup', 'restore']) {
      const r = drumbeat(['db', verb, path.join(tmp, 'remote.db')], { DATABASE_URL: 'http://127.0.0.1:9' });
      expect(r.code).toBe(1);
      expect(r.err.split('\n')).toHaveLength(1);
      expect(r.err).toMatch(/libSQL server.*"Backups" in docs\/deploy\.md/);
    }
  });
});

describe('db restore refuses', () => {
  it('a damaged file, a file that is not a database and a missing one, leaving the database as it was', { timeout: 120_000 }, async () => {
    const good = path.join(tmp, 'to-damage.db');
    expect(drumbeat(['db', 'backup', good]).code).toBe(0);
    // Garbage over the middle pages (b-tree pages of the tables).
    const fd = openSync(good, 'r+');
    const size = statSync(good).size;
    writeSync(fd, Buffer.alloc(8192, 0xa5), 0, 8192, Math.floor(size / 2 / 4096) * 4096);
    closeSync(fd);
    const before = await getDb().$count(subscribers);

    const damaged = drumbeat(['db', 'restore', good]);
    expect(damaged.code).toBe(1);
    expect(damaged.err).toMatch(/^drumbeat: .*to-damage\.db is damaged \(.+\); nothing was restored$/);
    const notDb = drumbeat(['db', 'restore', path.join(ROOT, 'package.json')]);
    expect(notDb.code).toBe(1);
    expect(notDb.err).toMatch(/package\.json is damaged \(file is not a database\); nothing was restored$/);
    const missing = drumbeat(['db', 'restore', path.join(tmp, 'nope.db')]);
    expect(missing.err).toBe(`drumbeat: cannot read ${path.join(tmp, 'nope.db')}: no such file`);
    expect(existsSync(path.join(tmp, 'nope.db'))).toBe(false);

    closeDb();
    expect(await getDb().$count(subscribers)).toBe(before);
    expect(readdirSync(dataDir).filter((f) => f.includes('restoring') || f.includes('before-restore'))).toEqual([]);
  });

  it('while a worker runs on the database, and restores once it has stopped', { timeout: 180_000 }, async () => {
    const backup = path.join(tmp, 'for-live.db');
    expect(drumbeat(['db', 'backup', backup]).code).toBe(0);
    const worker = drumbeatAsync(['worker']);
    const deadline = Date.now() + 90_000;
    while (!/Scheduler running/.test(worker.output())) {
      if (Date.now() > deadline || worker.child.exitCode !== null) throw new Error(`worker did not start:\n${worker.output()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    try {
      const refused = drumbeat(['db', 'restore', backup]);
      expect(refused.code).toBe(1);
      expect(refused.err).toMatch(/^drumbeat: the database is in use \(worker pid \d+ on .+, seen in the last 20 s\); stop it first, nothing was restored$/);
    } finally {
      worker.child.kill('SIGTERM');
    }
    expect(await worker.exit).toBe(0);
    const restored = drumbeat(['db', 'restore', backup]);
    expect(restored.code, restored.err).toBe(0);
    expect(restored.out).toMatch(/the database it replaced is kept as .*drumbeat\.db\.before-restore-[\dT-]+Z\.$/);
  });
});
