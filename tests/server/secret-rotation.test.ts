import { createHmac } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient } from '@libsql/client';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { resetEnvCache } from '../../src/lib/core/env.server.ts';
import { readOutbox } from '../../src/lib/email/outbox.server.ts';
import { startSite, type RunningSite } from '../helpers/site.ts';

// Rotating APP_SECRET on a real server (docs/deploy.md, "Rotating APP_SECRET"): the unsubscribe
// link of an email mailed before the rotation still works while the old secret is listed in
// APP_SECRET_PREVIOUS, and stops working once it is removed.

const OLD = 'rotation-old-secret-0123456789abcdefghijklmnop';
const NEW = 'rotation-new-secret-0123456789abcdefghijklmnop';
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'drumbeat-rotation-'));
let server: RunningSite | undefined;

async function start(env: Record<string, string>) {
  await server?.stop();
  server = await startSite(inject('sampleOutDir'), { DATA_DIR: dataDir, ...env });
  return server;
}
afterAll(async () => {
  await server?.stop();
});

const mailTo = (email: string) => readOutbox(500).filter((m) => m.to === email);
const post = (url: string, body: string) =>
  fetch(url, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(url).origin }, body });
const onServer = (link: string) => link.replace(/^https?:\/\/[^/]+/, server!.url);

async function status(email: string) {
  const db = createClient({ url: `file:${path.join(dataDir, 'drumbeat.db')}` });
  try {
    return (await db.execute({ sql: 'SELECT id, status FROM subscribers WHERE email = ?', args: [email] })).rows[0]!;
  } finally {
    db.close();
  }
}

describe('rotating APP_SECRET', () => {
  it('keeps the unsubscribe link of an email mailed before the rotation working while the old secret is listed', async () => {
    const email = 'rotation@example.com';
    process.env.DATA_DIR = dataDir;
    resetEnvCache();

    let site = await start({ APP_SECRET: OLD });
    expect((await post(`${site.url}/subscribe`, `email=${encodeURIComponent(email)}&lang=en`)).status).toBe(303);
    await expect.poll(() => mailTo(email).length, { timeout: 15_000 }).toBeGreaterThan(0);
    const confirm = /https?:\/\/[^\s"<>]+\/subscribe\/confirm\?token=[A-Za-z0-9_.-]+/.exec(mailTo(email)[0]!.html)![0];
    expect((await post(onServer(confirm), '')).status).toBeLessThan(400);
    await expect.poll(() => mailTo(email).some((m) => m.subject.startsWith('Welcome')), { timeout: 15_000 }).toBe(true);
    const welcome = mailTo(email).find((m) => m.subject.startsWith('Welcome'))!;
    const link = /<([^>]+)>/.exec(welcome.headers['list-unsubscribe']!)![1]!;
    // A link as Drumbeat mailed them before tokens carried a key id (payload.mac, signed with OLD).
    const { id } = await status(email);
    const payload = Buffer.from(JSON.stringify({ s: Number(id), e: email })).toString('base64url');
    const legacy = `${new URL(link).origin}/unsubscribe?token=${payload}.${createHmac('sha256', OLD).update(`unsubscribe\n${payload}`).digest('base64url')}`;

    // Rotated, the old secret not listed: the mailed links are refused (400), nothing changes.
    site = await start({ APP_SECRET: NEW });
    expect((await fetch(onServer(link))).status).toBe(400);
    expect((await fetch(onServer(legacy))).status).toBe(400);
    expect((await post(onServer(link), 'List-Unsubscribe=One-Click')).status).toBe(400);
    expect((await status(email)).status).toBe('active');

    // Rotated with APP_SECRET_PREVIOUS: both work, the one-click POST unsubscribes.
    site = await start({ APP_SECRET: NEW, APP_SECRET_PREVIOUS: OLD });
    expect((await fetch(onServer(legacy))).status).toBe(200);
    const page = await fetch(onServer(link));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<form');
    expect((await post(onServer(link), 'List-Unsubscribe=One-Click')).status).toBe(200);
    expect((await status(email)).status).toBe('unsubscribed');
  }, 180_000);
});
