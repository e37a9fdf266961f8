import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { resetEnvCache } from '../../src/lib/core/env.server.ts';
import { readOutbox } from '../../src/lib/email/outbox.server.ts';
import { startSite, type RunningSite } from '../helpers/site.ts';

// `npm start` runs the pages and the scheduler as one module graph (src/server/runtime.ts): moving
// the pages' clock with POST /dev/clock moves the scheduler's too, so the Monday send goes out.
// With two copies of the modules (pages from the build, jobs from the sources) it never would.

let server: RunningSite;

beforeAll(async () => {
  server = await startSite(inject('sampleOutDir'), { DRUMBEAT_SCHEDULER: 'on' });
  process.env.DATA_DIR = server.dataDir;
  resetEnvCache();
});
afterAll(() => server?.stop());

const mailTo = (email: string) => readOutbox(500).filter((m) => m.to === email);
const post = (path: string, body: string) =>
  fetch(server.url + path, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url }, body });

describe('one module graph per process', () => {
  it('sends the Monday Note when the pages’ clock reaches its slot', async () => {
    expect((await post('/subscribe', 'email=graph%40example.com&lang=en')).status).toBe(303);
    // The confirmation is written after the answer (issue 9, item 7).
    await expect.poll(() => mailTo('graph@example.com').length, { timeout: 15_000 }).toBeGreaterThan(0);
    const confirm = /https?:\/\/[^\s"<>]+\/subscribe\/confirm\?token=[A-Za-z0-9_.-]+/.exec(mailTo('graph@example.com')[0]!.html)![0];
    expect((await post(confirm.replace(/^https?:\/\/[^/]+/, ''), '')).status).toBe(200);
    // Note 206 is scheduled for Monday 2026-11-30 07:00 in Rome, the newsletter slot.
    await server.setClock('2026-11-30T06:01:00Z');
    await expect.poll(() => mailTo('graph@example.com').map((m) => m.subject), { timeout: 20_000, interval: 250 }).toContain('Note №206: Planning the year in one afternoon');
    // The email reaches the outbox a moment before the sender logs that the send is done.
    await expect.poll(() => server.logs(), { timeout: 20_000, interval: 250 }).toMatch(/newsletter\.send send=\d+ outcome=done sent=\d+/);
  });
});
