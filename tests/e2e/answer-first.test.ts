import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { closeDb, getDb } from '../../src/lib/core/db/client.server.ts';
import { purchases, subscribers } from '../../src/lib/core/db/schema.ts';
import { resetEnvCache } from '../../src/lib/core/env.server.ts';
import { FakeResend } from '../mocks/fake-resend.ts';
import { startSite, type RunningSite } from '../helpers/site.ts';

// Issue 9, item 7: POST /subscribe and POST /login answer before any work that depends on the
// address. Structural, not a stopwatch: the fake Resend holds every email until the test lets it
// go, so an answer that waited for a send never comes; every answer here must come while the
// emails are held, and the emails must still go out once they are let go.

const fake = new FakeResend();
let release!: () => void;
let held = new Promise<void>((r) => (release = r));
let arrived = 0;
let resend: http.Server;
let server: RunningSite;

beforeAll(async () => {
  resend = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    arrived++;
    await held;
    const response = await fake.handle(new Request(`http://127.0.0.1${req.url}`, { method: req.method, headers: req.headers as Record<string, string>, body: Buffer.concat(chunks) }));
    res.writeHead(response.status, Object.fromEntries(response.headers.entries()));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((r) => resend.listen(0, '127.0.0.1', r));
  const resendUrl = `http://127.0.0.1:${(resend.address() as AddressInfo).port}`;
  server = await startSite(inject('sampleOutDir'), { RESEND_API_KEY: 're_test_key', RESEND_BASE_URL: resendUrl, EMAIL_FROM: 'Notes <notes@example.com>' });
  await server.setClock('2026-11-25T12:00:00Z');
  // The server's own database, opened from here to set up known addresses.
  closeDb();
  process.env.DATA_DIR = server.dataDir;
  delete process.env.DATABASE_URL;
  resetEnvCache();
  const now = Date.parse('2026-11-25T12:00:00Z');
  const known = { lang: 'en', source: '/', consentVersion: 'v', consentAt: now, createdAt: now, updatedAt: now };
  await getDb().insert(subscribers).values([
    { email: 'active@example.com', status: 'active', ...known },
    { email: 'gone@example.com', status: 'unsubscribed', unsubscribedAt: now - 86_400_000, ...known },
  ]);
  await getDb().insert(purchases).values({ email: 'buyer@example.com', productId: 'any', lang: 'en', source: 'grant', status: 'granted', createdAt: now, updatedAt: now });
}, 240_000);

afterAll(async () => {
  release?.();
  closeDb();
  await server?.stop();
  await new Promise((r) => resend?.close(r));
});

const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  fetch(server.url + path, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url, ...headers }, body });

/** The answer, or a failure if it only comes after the held emails (generous for a loaded machine). */
async function answerWhileHeld(request: () => Promise<Response>): Promise<{ status: number; body: string; headers: Headers }> {
  const answer = request().then(async (res) => ({ status: res.status, body: await res.text(), headers: res.headers }));
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the answer waited for the email')), 15_000));
  return Promise.race([answer, timeout]);
}

describe('answers come before the email (the emails are held)', () => {
  it('POST /subscribe answers JSON and forms alike for new, unsubscribed and active addresses', async () => {
    const json = { 'content-type': 'application/json', accept: 'application/json' };
    const answers = [];
    for (const email of ['new@example.com', 'gone@example.com', 'active@example.com']) {
      answers.push(await answerWhileHeld(() => post('/subscribe', JSON.stringify({ email, lang: 'en' }), json)));
    }
    for (const a of answers) {
      expect(a.status).toBe(202);
      expect(Object.keys(JSON.parse(a.body)).sort()).toEqual(['message', 'ok']);
    }
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
    const form = await answerWhileHeld(() => post('/subscribe', 'email=form%40example.com&lang=it'));
    expect(form.status).toBe(303);
    expect(form.headers.get('location')).toBe('/it/subscribe/thanks/');
  });

  it('POST /login answers the same page for a buyer and a stranger', async () => {
    const buyer = await answerWhileHeld(() => post('/login', 'email=buyer%40example.com'));
    const stranger = await answerWhileHeld(() => post('/login', 'email=stranger%40example.com'));
    expect(buyer.status).toBe(200);
    expect(stranger.status).toBe(200);
    expect(buyer.body.replace(/nonce="[^"]*"/g, '')).toBe(stranger.body.replace(/nonce="[^"]*"/g, ''));
  });

  it('sends the emails once they are let go: confirmations to new and unsubscribed, a link to the buyer', async () => {
    release();
    held = Promise.resolve();
    const to = () => fake.emails.flatMap((e) => e.to).sort();
    await expect.poll(to, { timeout: 20_000 }).toEqual(['buyer@example.com', 'form@example.com', 'gone@example.com', 'new@example.com']);
    expect(arrived).toBe(4);
  });
});
