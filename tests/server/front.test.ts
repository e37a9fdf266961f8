import { createHash } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { createClient, type Client } from '@libsql/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { hashToken, newSecretToken } from '../../src/lib/auth/tokens.ts';
import { startSite, type RunningSite } from '../helpers/site.ts';

// The serving front of `npm start` (docs/decisions/028, 029): cached pages and their encodings,
// validators and HEAD, and the gated library page, whose kept copy is served only after the
// access check of that very request.

const TODAY = '2026-11-25T12:00:00Z';
const NOTE = '/notes/204-the-monday-rhythm/';
const GATED = '/library/okr-workshop-2027-03/';
let server: RunningSite;
let db: Client;

beforeAll(async () => {
  server = await startSite(inject('sampleOutDir'));
  await server.setClock(TODAY);
  db = createClient({ url: `file:${path.join(server.dataDir, 'drumbeat.db')}`, timeout: 10_000 });
});
afterAll(async () => {
  db?.close();
  await server?.stop();
});

interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** node:http, so compressed bodies arrive as sent. */
function raw(p: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Raw> {
  return new Promise((resolve, reject) => {
    http
      .request(server.url + p, { method, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject)
      .end();
  });
}

/** Until the page is kept with its encodings (compression runs after the first answer). */
async function cached(p: string, headers: Record<string, string> = {}): Promise<Raw> {
  let last: Raw | undefined;
  for (let i = 0; i < 100; i++) {
    last = await raw(p, { 'accept-encoding': 'br', ...headers });
    if (last.headers['content-encoding'] === 'br') return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${p} was not kept compressed: ${last?.status} ${JSON.stringify(last?.headers)}`);
}

const scriptsOf = (html: string) => [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
const hashOf = (body: string) => `'sha256-${createHash('sha256').update(body).digest('base64')}'`;

describe('a cached page', { timeout: 60_000 }, () => {
  it('is sent in the encoding asked for, each decompressing to the same page', async () => {
    const br = await cached(NOTE);
    const gz = await raw(NOTE, { 'accept-encoding': 'gzip' });
    const id = await raw(NOTE);
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(id.headers['content-encoding']).toBeUndefined();
    const html = id.body;
    expect(html.toString()).toContain('№204');
    expect(brotliDecompressSync(br.body).equals(html)).toBe(true);
    expect(gunzipSync(gz.body).equals(html)).toBe(true);
    expect(br.body.length).toBeLessThan(html.length / 2);
    for (const r of [br, gz, id]) {
      expect(r.headers.vary).toBe('Accept-Encoding');
      expect(r.headers['x-astro-cache']).toBe('HIT');
      expect(r.headers['content-length']).toBe(String(r.body.length));
    }
  });

  it('keeps every header: CSP with the hash of each inline script and no other, the security headers, a request id of its own', async () => {
    const res = await cached(NOTE, { 'x-request-id': 'proxy-request-0042' });
    const csp = res.headers['content-security-policy'] as string;
    const scriptSrc = /script-src ([^;]*)/.exec(csp)![1]!.trim().split(/\s+/);
    expect(csp).toContain("form-action 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    const html = brotliDecompressSync(res.body).toString();
    // The page's scripts are files (docs/decisions/040): script-src names 'self' and the hash of
    // each inline script, if any, and nothing else.
    expect(scriptSrc.sort()).toEqual(["'self'", ...scriptsOf(html).map(hashOf)].sort());
    const files = [...html.matchAll(/<script[^>]*\ssrc="(\/_astro\/[^"]+\.js)"/g)].map((m) => m[1]!);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const script = await raw(file, { 'accept-encoding': 'br' });
      expect(script.status, file).toBe(200);
      expect(script.headers['cache-control'], file).toBe('public, max-age=31536000, immutable');
    }
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
    expect(res.headers['x-request-id']).toBe('proxy-request-0042');
    const [a, b] = [await raw(NOTE), await raw(NOTE)];
    expect(a.headers['x-request-id']).toMatch(/^[0-9a-f]{16}$/);
    expect(a.headers['x-request-id']).not.toBe(b.headers['x-request-id']);
    // Stored by browsers, asked again with the ETag every time; the cache's own headers stay inside.
    expect(res.headers['cache-control']).toBe('public, no-cache');
    expect(res.headers['cdn-cache-control']).toBeUndefined();
    expect(res.headers['cache-tag']).toBeUndefined();
  });

  it('answers If-None-Match with 304 and HEAD with the headers alone', async () => {
    const first = await cached(NOTE);
    const again = await raw(NOTE, { 'accept-encoding': 'br', 'if-none-match': first.headers.etag! });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    expect(again.headers.etag).toBe(first.headers.etag);
    const head = await raw(NOTE, { 'accept-encoding': 'br' }, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(head.headers['content-length']).toBe(String(first.body.length));
    expect(head.headers.etag).toBe(first.headers.etag);
  });

  it('is one copy whatever the query string, and a path the URL parser would rewrite goes to Astro', async () => {
    const first = await cached(NOTE);
    expect((await raw(`${NOTE}?utm_source=x`, { 'accept-encoding': 'br' })).headers.etag).toBe(first.headers.etag);
    const dotted = await raw('/notes/../notes/204-the-monday-rhythm/', { 'accept-encoding': 'br' });
    expect(dotted.status).toBe(200);
  });

  it('shows a scheduled Note on the index the moment it is published', async () => {
    const before = await cached('/notes/');
    expect(brotliDecompressSync(before.body).toString()).not.toContain('№206');
    await server.setClock('2026-11-30T06:00:00Z');
    try {
      const after = await raw('/notes/', { 'accept-encoding': 'br' });
      const html = after.headers['content-encoding'] === 'br' ? brotliDecompressSync(after.body).toString() : after.body.toString();
      expect(html).toContain('№206');
    } finally {
      await server.setClock(TODAY);
    }
  });
});

describe('the files of dist/client', () => {
  it('come from memory with validators, and a path that is not a file is Astro’s 404 page', async () => {
    const icon = await raw('/favicon.svg');
    expect(icon.status).toBe(200);
    expect(icon.headers['content-type']).toBe('image/svg+xml');
    expect(icon.headers['cache-control']).toBe('public, max-age=3600');
    expect(icon.headers['x-content-type-options']).toBe('nosniff');
    expect((await raw('/favicon.svg', { 'if-none-match': icon.headers.etag! })).status).toBe(304);
    const missing = await raw('/_astro/nothing.css');
    expect(missing.status).toBe(404);
    expect(missing.body.toString()).toContain('<h1>');
  });
});

describe('the gated library page', { timeout: 60_000 }, () => {
  let purchaseId: number;
  let cookie: string;

  beforeAll(async () => {
    const now = Date.parse(TODAY);
    const until = Date.parse('2027-03-26T17:00:00Z');
    const inserted = await db.execute({
      sql: `INSERT INTO purchases (email, product_id, lang, source, status, checkout_session_id, payment_intent_id, amount, currency, purchased_at, access_until, created_at, updated_at)
            VALUES ('front-buyer@example.com', 'okr-workshop-2027-03', 'en', 'stripe', 'paid', 'cs_test_front1', 'pi_test_front1', 9700, 'eur', ?, ?, ?, ?) RETURNING id`,
      args: [now, until, now, now],
    });
    purchaseId = Number(inserted.rows[0]!.id);
    const token = newSecretToken();
    await db.execute({ sql: 'INSERT INTO sessions (id_hash, email, created_at, expires_at) VALUES (?, ?, ?, ?)', args: [hashToken(token), 'front-buyer@example.com', now, Date.parse('2027-06-01T00:00:00Z')] });
    cookie = `drumbeat_session=${token}`;
  });

  const setStatus = (status: string) => db.execute({ sql: 'UPDATE purchases SET status = ? WHERE id = ?', args: [status, purchaseId] });

  it('is kept once rendered and refused on the very next request after a revocation', async () => {
    const kept = await cached(GATED, { cookie });
    expect(kept.status).toBe(200);
    const html = brotliDecompressSync(kept.body).toString();
    expect(html).toContain('/media/okr-workshop-2027-03/');
    expect(kept.headers['cache-control']).toBe('private, no-store');
    expect(kept.headers['x-drumbeat-variant']).toBeUndefined();
    for (const s of scriptsOf(html)) expect(kept.headers['content-security-policy']).toContain(hashOf(s));
    // Another visitor, no session: the sign-in page, never the kept copy.
    expect((await raw(GATED, { 'accept-encoding': 'br' })).status).toBe(303);
    expect((await raw(GATED, { 'accept-encoding': 'br', cookie: `drumbeat_session=${newSecretToken()}` })).status).toBe(303);

    await setStatus('revoked');
    try {
      const refused = await raw(GATED, { cookie });
      expect(refused.status).toBe(403);
      expect(refused.body.toString()).not.toContain('/media/okr-workshop-2027-03/');
    } finally {
      await setStatus('paid');
    }
    expect((await raw(GATED, { cookie })).status).toBe(200);
  });

  it('is refused on the next request once access has ended by the clock', async () => {
    await cached(GATED, { cookie });
    await server.setClock('2027-03-26T17:00:01Z');
    try {
      expect((await raw(GATED, { cookie })).status).toBe(403);
    } finally {
      await server.setClock(TODAY);
    }
    expect((await raw(GATED, { cookie })).status).toBe(200);
  });
});
