import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetClock, setNow } from '../../src/lib/core/clock.ts';
import { getDb } from '../../src/lib/core/db/client.server.ts';
import { subscribers } from '../../src/lib/core/db/schema.ts';
import { deliver } from '../../src/lib/newsletter/delivery/deliver.server.ts';
import { FakeResend, resendHandlers } from '../mocks/fake-resend.ts';
import { useTempDatabase } from '../helpers/db.ts';

// What a send asks SQLite once per batch must read that batch's rows only: a statement that walks
// the send's pending rows (or its whole primary key) per batch makes a send's time grow with the
// square of its list (docs/decisions/041). The statements are the ones deliver() really runs,
// seen on the real client; each is planned by SQLite itself.

const fake = new FakeResend();
const server = setupServer(...resendHandlers(fake));
beforeAll(() => server.listen({ onUnhandledRequest: 'error' } as never));
afterAll(() => {
  server.close();
  resetClock();
});

interface Statement {
  sql: string;
  args?: unknown;
}

/** Every statement the client runs, inside transactions too. */
function recordStatements(client: { execute: (s: never) => Promise<unknown>; transaction: (...a: never[]) => Promise<{ execute: (s: never) => Promise<unknown> }> }): Statement[] {
  const seen: Statement[] = [];
  const note = (stmt: unknown) => {
    seen.push(typeof stmt === 'string' ? { sql: stmt } : (stmt as Statement));
  };
  const execute = client.execute.bind(client);
  client.execute = ((stmt: never) => (note(stmt), execute(stmt))) as typeof client.execute;
  const transaction = client.transaction.bind(client);
  client.transaction = (async (...a: never[]) => {
    const tx = await transaction(...a);
    const txExecute = tx.execute.bind(tx);
    tx.execute = ((stmt: never) => (note(stmt), txExecute(stmt))) as typeof tx.execute;
    return tx;
  }) as typeof client.transaction;
  return seen;
}

describe('the ledger of a send', () => {
  it('reads and writes each batch through the batch index, never the whole send', async () => {
    await useTempDatabase({ RESEND_API_KEY: 're_test_key' });
    setNow(Date.parse('2026-11-25T12:00:00Z'));
    const db = getDb();
    const rows = Array.from({ length: 1_000 }, (_, i) => ({ email: `plan${i}@example.com`, lang: 'en', status: 'active' as const, source: 'test', consentVersion: 'v', consentAt: 1, createdAt: 1, updatedAt: 1 }));
    for (let i = 0; i < rows.length; i += 500) await db.insert(subscribers).values(rows.slice(i, i + 500));

    const seen = recordStatements(db.$client as never);
    const result = await deliver({ noteNumber: 205, lang: 'en', noteLang: 'en', fallback: false }, { sleep: async () => {}, requestsPerSecond: 1000 });
    expect(result).toMatchObject({ state: 'done', sent: 1_000 });

    // Statements on the ledger that ran for every batch (10 batches): the per-batch work.
    const runs = new Map<string, Statement>();
    const counts = new Map<string, number>();
    for (const s of seen) {
      if (!/send_recipients/.test(s.sql)) continue;
      counts.set(s.sql, (counts.get(s.sql) ?? 0) + 1);
      runs.set(s.sql, s);
    }
    const perBatch = [...counts].filter(([, n]) => n >= 10).map(([sql]) => runs.get(sql)!);
    expect(perBatch.length).toBeGreaterThanOrEqual(4);
    for (const s of perBatch) {
      const plan = await db.$client.execute({ sql: `EXPLAIN QUERY PLAN ${s.sql}`, args: s.args as never });
      const steps = plan.rows.map((r) => String(r.detail)).filter((d) => d.includes('send_recipients'));
      expect(steps.length, s.sql).toBeGreaterThan(0);
      for (const step of steps) expect(step, s.sql).toMatch(/^SEARCH send_recipients USING (COVERING )?INDEX send_recipients_send_batch \(send_id=\? AND batch[=>]/);
    }
  });
});
