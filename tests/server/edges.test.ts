import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import { createClient } from '@libsql/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { signToken } from '../../src/lib/core/signed-tokens.ts';
import { startSite, type RunningSite } from '../helpers/site.ts';

// The edges of a running `npm start` (issue 9): methods, dev routes, headers, the page cache,
// one-click unsubscribe from a foreign origin, and a disk that stops taking writes.

const APP_SECRET = 'edges-test-secret-0123456789abcdefghijklmnop';
let server: RunningSite;

beforeAll(async () => {
  server = await startSite(inject('sampleOutDir'), { APP_SECRET });
});
afterAll(() => server?.stop());

/** A raw request: fetch() refuses TRACE, and sets Host itself. */
function raw(method: string, target: string, headers: Record<string, string> = {}, url = server.url) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const u = new URL(url);
    const req = http.request({ host: u.hostname, port: u.port, method, path: target, headers }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const post = (p: string, body: string, headers: Record<string, string> = {}) =>
  fetch(server.url + p, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url, ...headers }, body });

describe('HTTP methods', () => {
  it('answers TRACE, PROPFIND, PUT, DELETE and PATCH with 405 and Allow, and logs no stack trace', async () => {
    for (const method of ['TRACE', 'PROPFIND', 'PUT', 'DELETE', 'PATCH', 'MKCOL']) {
      for (const target of ['/', '/notes/', '/notes/205-three-steps/', '/subscribe']) {
        const res = await raw(method, target);
        expect(res.status, `${method} ${target}`).toBe(405);
        expect(res.headers.allow, `${method} ${target}`).toBe(target === '/subscribe' ? 'GET, HEAD, POST' : 'GET, HEAD');
        expect(res.body).not.toContain('<html');
      }
    }
    expect(server.logs()).not.toMatch(/\n\s+at /);
  });

  it('answers OPTIONS with 204 and the methods of the path, without CORS headers', async () => {
    const page = await raw('OPTIONS', '/notes/');
    expect(page.status).toBe(204);
    expect(page.headers.allow).toBe('GET, HEAD');
    expect(page.headers['access-control-allow-origin']).toBeUndefined();
    expect((await raw('OPTIONS', '/login')).headers.allow).toBe('GET, HEAD, POST');
    expect((await raw('OPTIONS', '/webhooks/stripe')).headers.allow).toBe('POST');
    expect((await raw('OPTIONS', '*')).status).toBe(204);
  });

  it('refuses a POST where no route takes one, and still serves GET and HEAD', async () => {
    const res = await post('/notes/', '');
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
    expect((await fetch(`${server.url}/notes/`, { method: 'HEAD' })).status).toBe(200);
    expect((await fetch(`${server.url}/it/login/`)).status).toBe(200);
  });
});

describe('the page cache', () => {
  it('keys a page by its path: query strings do not make new copies', async () => {
    await fetch(`${server.url}/notes/page/2/`);
    for (const q of ['?x=1', '?utm_source=newsletter', `?${'a'.repeat(2000)}=${Math.random()}`]) {
      const res = await fetch(`${server.url}/notes/page/2/${q}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-astro-cache'), q.slice(0, 20)).toBe('HIT');
    }
  });
});

describe('security headers', () => {
  it('lists in script-src the hash of every inline script of the page and no other, and no unsafe-inline', async () => {
    for (const p of ['/', '/notes/205-three-steps/', '/it/', '/workshops/okr-workshop-2027-03/', '/subscribe', '/login']) {
      const res = await fetch(server.url + p);
      const csp = res.headers.get('content-security-policy')!;
      const scriptSrc = /script-src ([^;]*)/.exec(csp)![1]!;
      expect(scriptSrc, p).not.toContain("'unsafe-inline'");
      expect(csp, p).toContain("frame-ancestors 'none'");
      expect(csp, p).toContain("form-action 'self'");
      const html = await res.text();
      const hashes = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map(([, body]) => `'sha256-${createHash('sha256').update(body!).digest('base64')}'`);
      for (const hash of hashes) expect(scriptSrc, p).toContain(hash);
      // Astro lists every script the site might inline; the page keeps only its own (decision 040).
      for (const listed of scriptSrc.match(/'sha\d+-[^']+'/g) ?? []) expect(hashes, p).toContain(listed);
    }
  });

  it('sends no HSTS for an http SITE_URL', async () => {
    expect((await fetch(`${server.url}/`)).headers.get('strict-transport-security')).toBeNull();
  });
});

describe('dev routes', () => {
  const PROXY_HEADERS: Record<string, string>[] = [{ 'x-forwarded-for': '203.0.113.9' }, { forwarded: 'for=203.0.113.9' }, { 'x-real-ip': '203.0.113.9' }, { via: '1.1 proxy' }];

  it('serve the outbox to a direct local request only', async () => {
    expect((await raw('GET', '/dev/outbox')).status).toBe(200);
    for (const headers of PROXY_HEADERS) expect((await raw('GET', '/dev/outbox', headers)).status, JSON.stringify(headers)).toBe(404);
    // A proxy on this host that adds no header but forwards the public name.
    expect((await raw('GET', '/dev/outbox', { host: 'notes.example.com' })).status).toBe(404);
  });

  it('move the clock for a direct local request only', async () => {
    const move = (headers: Record<string, string>) =>
      fetch(`${server.url}/dev/clock`, { method: 'POST', headers: { 'content-type': 'application/json', origin: server.url, ...headers }, body: JSON.stringify({ at: '2026-11-25T12:00:00Z' }) });
    expect((await move({})).status).toBe(200);
    for (const headers of PROXY_HEADERS) expect((await move(headers)).status, JSON.stringify(headers)).toBe(404);
  });
});

describe('RFC 8058 one-click unsubscribe', () => {
  it('is accepted from a foreign origin with a valid token; other cross-site POSTs stay refused', async () => {
    const email = 'oneclick-foreign@example.com';
    expect((await post('/subscribe', `email=${encodeURIComponent(email)}&lang=en`)).status).toBe(303);
    const db = createClient({ url: `file:${path.join(server.dataDir, 'drumbeat.db')}` });
    try {
      // The subscriber is written after the answer (answer-first, docs/decisions/014): wait for it.
      let rows: Awaited<ReturnType<typeof db.execute>>['rows'] = [];
      await expect.poll(async () => (rows = (await db.execute({ sql: 'SELECT id FROM subscribers WHERE email = ?', args: [email] })).rows).length, { timeout: 30_000 }).toBe(1);
      const token = signToken(APP_SECRET, 'unsubscribe', { s: Number(rows[0]!.id), e: email });
      const foreign = { origin: 'https://mail.example.net' };
      // Not the one-click body: a cross-site form post like any other.
      expect((await post(`/unsubscribe?token=${token}`, '', foreign)).status).toBe(403);
      expect((await post('/unsubscribe?token=a.b', 'List-Unsubscribe=One-Click', foreign)).status).toBe(403);
      expect((await post('/subscribe', 'email=csrf2%40example.com&lang=en', foreign)).status).toBe(403);
      const res = await post(`/unsubscribe?token=${token}`, 'List-Unsubscribe=One-Click', foreign);
      expect(res.status).toBe(200);
      const after = await db.execute({ sql: 'SELECT status FROM subscribers WHERE email = ?', args: [email] });
      expect(after.rows[0]!.status).toBe('unsubscribed');
    } finally {
      db.close();
    }
  });
});

/**
 * Makes the database files refuse writes for the length of `fn`: chattr +i as root (chmod does not
 * stop root), chmod otherwise. The -shm file is left alone: SQLite maps it into memory.
 */
async function withReadOnlyDatabase(dataDir: string, fn: () => Promise<void>): Promise<void> {
  const files = ['drumbeat.db', 'drumbeat.db-wal'].map((f) => path.join(dataDir, f));
  const root = process.getuid?.() === 0;
  const set = (on: boolean) => {
    const r = root
      ? spawnSync('chattr', [on ? '+i' : '-i', ...files, dataDir])
      : spawnSync('chmod', [on ? 'a-w' : 'u+w', ...files, dataDir]);
    if (r.status !== 0) throw new Error(`could not make the database ${on ? 'read-only' : 'writable'}: ${r.stderr}`);
  };
  set(true);
  try {
    await fn();
  } finally {
    set(false);
  }
}

describe('a disk that stops taking writes', () => {
  it('answers with a 500 page in the reader language, and /healthz with 503 until it is writable again', async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    await withReadOnlyDatabase(server.dataDir, async () => {
      const health = await fetch(`${server.url}/healthz`);
      expect(health.status).toBe(503);
      expect(await health.json()).toEqual({ ok: false });

      // A subscribe request that cannot be recorded is answered "try again" (503, Retry-After), in
      // the reader's language: nothing was saved, and the visitor is told so (decision 014).
      const en = await post('/subscribe', 'email=disk-full%40example.com&lang=en');
      expect(en.status).toBe(503);
      expect(en.headers.get('retry-after')).toBe('60');
      expect(await en.text()).toContain('We could not take your request just now');
      const json = await post('/subscribe', JSON.stringify({ email: 'js@example.com', lang: 'en' }), { 'content-type': 'application/json', accept: 'application/json' });
      expect(json.status).toBe(503);
      expect((await json.json()).error).toMatch(/try again/);

      // A fault no route answers itself gets the 500 page, in the language of the URL or the Referer.
      const login = await post('/login', 'email=disk-full%40example.com');
      expect(login.status).toBe(500);
      const enHtml = await login.text();
      expect(enHtml).toContain('<h1>Something went wrong on our side</h1>');
      expect(enHtml).not.toMatch(/\bat .*\.(m?js|ts):\d+/);
      const it = await post('/it/login', 'email=disco-pieno%40example.com', { referer: `${server.url}/it/` });
      expect(it.status).toBe(500);
      expect(await it.text()).toContain('<h1>Qualcosa è andato storto da parte nostra</h1>');
    });
    await expect.poll(async () => (await fetch(`${server.url}/healthz`)).status, { timeout: 10_000 }).toBe(200);
  });
});

describe('behind an https SITE_URL', () => {
  let other: RunningSite | undefined;
  afterAll(() => other?.stop());

  it('hides the dev routes when SITE_URL is not localhost, even from this machine', async () => {
    other = await startSite(inject('sampleOutDir'), { SITE_URL: 'https://notes.example.com' });
    expect((await raw('GET', '/dev/outbox', {}, other.url)).status).toBe(404);
    const clock = await fetch(`${other.url}/dev/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ at: '2026-11-25T12:00:00Z' }) });
    expect(clock.status).toBe(404);
    // Not production: no HSTS (the rule itself: src/app/security-headers.test.ts).
    expect((await fetch(`${other.url}/`)).headers.get('strict-transport-security')).toBeNull();
  });
});
