import { createClient, type Client } from '@libsql/client';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionAccess } from '../../src/lib/access/access.server.ts';
import { hashToken, newSecretToken } from '../../src/lib/auth/tokens.ts';
import { resetClock, setNow } from '../../src/lib/core/clock.ts';
import { databaseChangeMark, databaseChangeMarkThisTurn } from '../../src/lib/core/db/client.server.ts';
import { useTempDatabase } from '../helpers/db.ts';

// The access answer is kept while the database has not changed (docs/decisions/039): these
// commits come from another connection, as the CLI's or another instance's would.

let other: Client;
let dbPath: string;
let token: string;
const PRODUCT = 'okr-workshop-2027-03';
const NOW = Date.parse('2026-12-01T10:00:00Z');

beforeAll(async () => {
  const { db, dataDir } = await useTempDatabase();
  setNow(NOW);
  await db.$client.execute('SELECT 1');
  dbPath = path.join(dataDir, 'drumbeat.db');
  other = createClient({ url: `file:${dbPath}` });
  token = newSecretToken();
  await other.execute({ sql: 'INSERT INTO sessions (id_hash, email, created_at, expires_at) VALUES (?, ?, ?, ?)', args: [hashToken(token), 'cache-buyer@example.com', NOW, NOW + 86_400_000] });
  await other.execute({
    sql: `INSERT INTO purchases (email, product_id, lang, source, status, checkout_session_id, payment_intent_id, amount, currency, purchased_at, access_until, created_at, updated_at)
          VALUES ('cache-buyer@example.com', ?, 'en', 'stripe', 'paid', 'cs_test_cache', 'pi_test_cache', 9700, 'eur', ?, ?, ?, ?)`,
    args: [PRODUCT, NOW, NOW + 3_600_000, NOW, NOW],
  });
});

afterAll(() => {
  other.close();
  resetClock();
});

describe('the database change mark', () => {
  it('differs after every commit of another connection, through checkpoints that restart the log', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const mark = databaseChangeMark();
      expect(mark).toBeDefined();
      expect(seen.has(mark!), `commit ${i}`).toBe(false);
      seen.add(mark!);
      // Same-sized commits, with the log restarted now and then: a stat of the log (size, mtime in
      // clock ticks) gave one mark for two of these. Each writes a new value: SQLite writes no page
      // for an update to the same bytes, and then nothing has changed.
      await other.execute({ sql: 'UPDATE sessions SET created_at = ? WHERE id_hash = ?', args: [NOW + i + 1, hashToken(token)] });
      if (i % 50 === 49) await other.execute('PRAGMA wal_checkpoint(RESTART)');
    }
  });
});

describe('the change mark of a turn', () => {
  it('holds for the rest of the turn it was read in, and is read again in the next', async () => {
    const before = databaseChangeMarkThisTurn();
    expect(before).toBe(databaseChangeMark());
    // The commit ends within this turn (awaits resolve as microtasks, no I/O phase between).
    await other.execute({ sql: 'UPDATE sessions SET created_at = ? WHERE id_hash = ?', args: [NOW - 1, hashToken(token)] });
    const after = databaseChangeMark();
    expect(after).not.toBe(before);
    expect(databaseChangeMarkThisTurn()).toBe(before);
    await new Promise((resolve) => setImmediate(resolve));
    expect(databaseChangeMarkThisTurn()).toBe(after);
  });
});

describe('sessionAccess kept between commits', () => {
  it('is asked again after a revocation, a refund or a sign-out, and decided by the clock every time', async () => {
    expect((await sessionAccess(token, PRODUCT)).access).toBe(true);
    expect((await sessionAccess(token, PRODUCT)).access).toBe(true);
    await other.execute(`UPDATE purchases SET status = 'revoked' WHERE checkout_session_id = 'cs_test_cache'`);
    expect((await sessionAccess(token, PRODUCT)).access).toBe(false);
    await other.execute(`UPDATE purchases SET status = 'paid' WHERE checkout_session_id = 'cs_test_cache'`);
    expect((await sessionAccess(token, PRODUCT)).access).toBe(true);

    // No commit in between: the deadline and the session's end come from the clock.
    setNow(NOW + 3_600_000);
    expect((await sessionAccess(token, PRODUCT)).access).toBe(false);
    setNow(NOW);
    expect((await sessionAccess(token, PRODUCT)).access).toBe(true);
    setNow(NOW + 86_400_000);
    expect(await sessionAccess(token, PRODUCT)).toEqual({ access: false });
    setNow(NOW);

    await other.execute({ sql: 'DELETE FROM sessions WHERE id_hash = ?', args: [hashToken(token)] });
    expect(await sessionAccess(token, PRODUCT)).toEqual({ access: false });
  });
});

describe('the mark and other processes', () => {
  it('differs after each commit of another process', () => {
    const write = (value: number) => execFileSync(process.execPath, ['--input-type=module', '-e', CHILD_WRITE, dbPath, String(value)], { cwd: process.cwd() });
    const seen = new Set<string | undefined>([databaseChangeMark()]);
    for (let i = 0; i < 3; i++) {
      write(i);
      const mark = databaseChangeMark();
      expect(mark).toBeDefined();
      expect(seen.has(mark), `commit ${i} of another process`).toBe(false);
      seen.add(mark);
    }
  });
});

const CHILD_WRITE = `
import { createClient } from '@libsql/client';
const [file, value] = process.argv.slice(1);
const db = createClient({ url: 'file:' + file });
await db.execute('PRAGMA journal_mode = WAL');
await db.execute({ sql: 'INSERT INTO sessions (id_hash, email, created_at, expires_at) VALUES (?, ?, 0, 0)', args: ['mark-' + value, 'mark@example.com'] });
db.close();
`;
