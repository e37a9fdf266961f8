import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '../../src/lib/core/db/client.server.ts';
import { subscribers } from '../../src/lib/core/db/schema.ts';
import { FakeResend, serveFakeResend } from '../mocks/fake-resend.ts';
import { ROOT } from '../helpers/content.ts';
import { useTempDatabase } from '../helpers/db.ts';
import { NODE24 } from '../helpers/site.ts';

// A real `drumbeat newsletter send` in a child process, killed with SIGKILL mid-send, then run
// again: every subscriber must get the Note exactly once.

const fake = new FakeResend(20);
let resend: Awaited<ReturnType<typeof serveFakeResend>>;
let dataDir: string;
const RECIPIENTS = 1200;

beforeAll(async () => {
  resend = await serveFakeResend(fake);
  ({ dataDir } = await useTempDatabase());
  const rows = Array.from({ length: RECIPIENTS }, (_, i) => ({ email: `reader${i}@example.com`, lang: 'en', status: 'active' as const, source: 't', consentVersion: 'v', consentAt: 1, createdAt: 1, updatedAt: 1 }));
  for (let i = 0; i < rows.length; i += 500) await getDb().insert(subscribers).values(rows.slice(i, i + 500));
});
afterAll(() => resend?.close());

function runSend() {
  const child = spawn(NODE24, [path.join(ROOT, 'src/cli/drumbeat.mjs'), 'newsletter', 'send', '--note', '205', '--lang', 'en'], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir, RESEND_API_KEY: 're_test_crash', RESEND_BASE_URL: resend.url, DRUMBEAT_SEND_LEASE_MS: '1500' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exit, output: () => output };
}

describe('a send killed with SIGKILL and run again', () => {
  it('delivers every remaining recipient exactly once', async () => {
    const first = runSend();
    // Kill it once a few batches are through (it paces itself at the site's rate).
    const deadline = Date.now() + 60_000;
    while (fake.emails.length < 300 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    first.child.kill('SIGKILL');
    await first.exit;
    const sentBeforeCrash = fake.emails.length;
    expect(sentBeforeCrash).toBeGreaterThanOrEqual(300);
    expect(sentBeforeCrash).toBeLessThan(RECIPIENTS);

    // The restart waits out the dead process's lease, then resumes from the ledger.
    let second = runSend();
    let code = await second.exit;
    // Until the lease has run out another run is told the send is taken; ask again until then.
    const leaseDeadline = Date.now() + 60_000;
    while (Date.now() < leaseDeadline && /another process is sending/.test(second.output())) {
      await new Promise((r) => setTimeout(r, 500));
      second = runSend();
      code = await second.exit;
    }
    expect(code, second.output()).toBe(0);
    expect(second.output()).toMatch(/done, 1200 sent, 0 failed of 1200/);

    const recipients = fake.recipients();
    expect(recipients).toHaveLength(RECIPIENTS);
    expect(new Set(recipients).size).toBe(RECIPIENTS);
    // Batches replayed after the crash (if the kill landed between Resend's answer and our
    // ledger write) were answered from the idempotency record, not sent again.
    const keys = fake.requests.filter((r) => r.status === 200).map((r) => r.idempotencyKey);
    expect(new Set(keys).size).toBe(RECIPIENTS / 100);
    // Two CLI start-ups and 12 paced batches: 15 s on an idle machine, twice that under load.
  }, 120_000);
});
