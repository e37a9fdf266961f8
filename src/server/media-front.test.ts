import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerMedia } from '../lib/access/media.server.ts';
import { sessionCookieValue } from '../lib/auth/session-cookie.ts';
import { hashToken, newSecretToken } from '../lib/auth/tokens.ts';
import { getEnv } from '../lib/core/env.server.ts';
import { log, requestIdFrom } from '../lib/core/log.server.ts';
import { endpointSecurityHeaders, serverHeaders } from '../app/security-headers.ts';
import { useTempDatabase } from '../../tests/helpers/db.ts';
import { installFront } from './front.ts';
import { mediaFront } from './media-front.ts';

// The front in front of a stand-in for Astro (a listener that says it answered): media requests
// never reach it, everything else does, untouched. The real database and content; no Astro.

const MEDIA = '/media/okr-workshop-2027-03/okr-workshop-sample.wav';
let server: http.Server;
let origin: string;
let cookie: string;
const reachedAstro: string[] = [];
let mediaDir: string;

beforeAll(async () => {
  const { db, dataDir } = await useTempDatabase();
  // The worksheet as the author replaces it: DATA_DIR/media wins over content/media.
  mediaDir = path.join(dataDir, 'media', 'okr-workshop-2027-03');
  mkdirSync(mediaDir, { recursive: true });
  writeFileSync(path.join(mediaDir, 'okr-worksheet.pdf'), '%PDF-first version');
  const now = Date.now();
  await db.$client.execute({
    sql: `INSERT INTO purchases (email, product_id, lang, source, status, purchased_at, access_until, created_at, updated_at) VALUES ('ada@example.com', 'okr-workshop-2027-03', 'en', 'grant', 'granted', ?, ?, ?, ?)`,
    args: [now, now + 86_400_000, now, now],
  });
  const token = newSecretToken();
  await db.$client.execute({ sql: 'INSERT INTO sessions (id_hash, email, created_at, expires_at) VALUES (?, ?, ?, ?)', args: [hashToken(token), 'ada@example.com', now, now + 86_400_000] });
  cookie = `other=1; drumbeat_session=${token}`;
  server = http.createServer((req, res) => {
    reachedAstro.push(`${req.method} ${req.url}`);
    res.writeHead(299, { 'content-type': 'text/plain' });
    res.end('astro');
  });
  installFront(server, [mediaFront({ answerMedia, sessionCookieValue, getEnv, endpointSecurityHeaders, serverHeaders, log })], { requestIdFrom, onError: () => undefined });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server?.close(resolve)));

describe('the media front', () => {
  it('answers media requests itself, refusals included, and Astro never sees them', async () => {
    const range = await fetch(origin + MEDIA, { headers: { cookie, range: 'bytes=0-3' } });
    expect([range.status, await range.text()]).toEqual([206, 'RIFF']);
    expect(range.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(range.headers.get('x-request-id')).toMatch(/^[0-9a-f]{16}$/);
    const head = await fetch(origin + MEDIA, { method: 'HEAD', headers: { cookie } });
    expect([head.status, head.headers.get('content-length')]).toEqual([200, '512044']);
    expect((await fetch(origin + MEDIA)).status).toBe(401);
    expect((await fetch(`${origin}/media/okr-coach/x.wav`, { headers: { cookie } })).status).toBe(403);
    expect((await fetch(`${origin}/media/okr-workshop-2027-03/nothing.wav?x=1`, { headers: { cookie } })).status).toBe(404);
    expect(reachedAstro).toEqual([]);
  });

  it('serves a replaced file, not the one it still holds open, once the lookup sees the change', async () => {
    const url = `${origin}/media/okr-workshop-2027-03/okr-worksheet.pdf`;
    const first = await fetch(url, { headers: { cookie, range: 'bytes=0-' } });
    expect(await first.text()).toBe('%PDF-first version');
    // Replaced the way a deploy does it: a new file renamed over the old one.
    writeFileSync(path.join(mediaDir, 'next.pdf'), '%PDF-the second, longer version');
    renameSync(path.join(mediaDir, 'next.pdf'), path.join(mediaDir, 'okr-worksheet.pdf'));
    await expect.poll(async () => (await fetch(url, { headers: { cookie, range: 'bytes=0-' } })).text(), { timeout: 20_000, interval: 250 }).toBe('%PDF-the second, longer version');
    const range = await fetch(url, { headers: { cookie, range: 'bytes=5-7' } });
    expect([range.status, range.headers.get('content-range'), await range.text()]).toEqual([206, 'bytes 5-7/31', 'the']);
  });

  it('hands everything else to Astro: other paths and methods, deeper or malformed media paths', async () => {
    for (const [method, url] of [['GET', '/'], ['GET', '/media/'], ['GET', '/media/okr-workshop-2027-03/'], ['GET', '/media/a/b/c'], ['GET', '/media/%E0%A4%A/x'], ['POST', MEDIA], ['GET', '/mediax/a/b']] as const) {
      const res = await fetch(origin + url, { method, headers: { cookie } });
      expect([url, res.status, await res.text()]).toEqual([url, 299, 'astro']);
    }
    expect(reachedAstro).toHaveLength(7);
  });
});
