import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient, type Client } from '@libsql/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { hashToken, newSecretToken } from '../../src/lib/auth/tokens.ts';
import { ROOT } from '../helpers/content.ts';
import { freePort, NODE24, startSite } from '../helpers/site.ts';

// /media/<product>/<file> as `npm start` serves it (its front answers before Astro) and as the
// built entry.mjs alone does (the Astro route): the same answers, byte for byte, from both.

const PRODUCT = 'okr-workshop-2027-03';
const MEDIA = `/media/${PRODUCT}/okr-workshop-sample.wav`;
const FILE = readFileSync(path.join(ROOT, 'content', 'media', PRODUCT, 'okr-workshop-sample.wav'));
const SIZE = FILE.length;

interface Server {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

async function startEntry(outDir: string): Promise<Server> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'drumbeat-data-'));
  const child = spawn(NODE24, [path.join(outDir, 'server', 'entry.mjs')], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'production', PORT: String(port), HOST: '127.0.0.1', SITE_URL: url, DATA_DIR: dataDir, DRUMBEAT_SCHEDULER: 'off' },
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  for (const deadline = Date.now() + 60_000; !(await fetch(`${url}/healthz`).then((r) => r.ok, () => false)); ) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`entry.mjs did not answer /healthz (exit ${child.exitCode})`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    dataDir,
    async stop() {
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

describe.each([
  ['npm start (the front)', (outDir: string) => startSite(outDir)],
  ['entry.mjs (the Astro route)', startEntry],
] as const)('media served by %s', (_name, startServer) => {
  let server: Server;
  let db: Client;
  let cookie: string;
  const get = (headers: Record<string, string> = {}, method = 'GET', url = MEDIA) => fetch(server.url + url, { method, headers: { cookie, ...headers } });
  const bytes = async (res: Response) => Buffer.from(await res.arrayBuffer());

  beforeAll(async () => {
    server = await startServer(inject('sampleOutDir'));
    db = createClient({ url: `file:${path.join(server.dataDir, 'drumbeat.db')}`, timeout: 10_000 });
    const now = Date.now();
    await db.execute({
      sql: `INSERT INTO purchases (email, product_id, lang, source, status, checkout_session_id, payment_intent_id, amount, currency, purchased_at, access_until, created_at, updated_at)
            VALUES ('ada@example.com', ?, 'en', 'stripe', 'paid', 'cs_test_media', 'pi_test_media', 9700, 'eur', ?, ?, ?, ?)`,
      args: [PRODUCT, now, now + 86_400_000, now, now],
    });
    const token = newSecretToken();
    await db.execute({ sql: 'INSERT INTO sessions (id_hash, email, created_at, expires_at) VALUES (?, ?, ?, ?)', args: [hashToken(token), 'ada@example.com', now, now + 86_400_000] });
    cookie = `drumbeat_session=${token}`;
  }, 120_000);
  afterAll(async () => {
    db?.close();
    await server?.stop();
  });

  it('answers a range with exactly its bytes, a strong ETag and every security header', async () => {
    const res = await get({ range: 'bytes=1000-1999', 'x-request-id': 'media-test-0001' });
    expect(res.status).toBe(206);
    expect(await bytes(res)).toEqual(FILE.subarray(1000, 2000));
    const h = Object.fromEntries(res.headers);
    expect(h).toMatchObject({
      'content-range': `bytes 1000-1999/${SIZE}`,
      'content-length': '1000',
      'accept-ranges': 'bytes',
      'content-type': 'audio/wav',
      'cache-control': 'private, no-store',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'strict-origin-when-cross-origin',
      'x-request-id': 'media-test-0001',
    });
    expect(h['content-security-policy']).toMatch(/^default-src 'self';.*frame-ancestors 'none'.*form-action 'self'/);
    expect(h['permissions-policy']).toBeTruthy();
    expect(h.etag).toMatch(/^"[0-9a-z]+-[0-9a-z]+"$/);
    expect(new Date(h['last-modified']!).getTime()).toBeGreaterThan(0);
  });

  it('answers suffix and open ranges, the whole file without one, and HEAD without a body', async () => {
    const suffix = await get({ range: 'bytes=-10' });
    expect([suffix.status, suffix.headers.get('content-range')]).toEqual([206, `bytes ${SIZE - 10}-${SIZE - 1}/${SIZE}`]);
    expect(await bytes(suffix)).toEqual(FILE.subarray(SIZE - 10));
    const open = await get({ range: `bytes=${SIZE - 5}-` });
    expect(await bytes(open)).toEqual(FILE.subarray(SIZE - 5));
    const whole = await get();
    expect([whole.status, whole.headers.get('content-length'), whole.headers.get('content-range')]).toEqual([200, String(SIZE), null]);
    expect(await bytes(whole)).toEqual(FILE);
    const head = await get({ range: 'bytes=0-99' }, 'HEAD');
    expect([head.status, head.headers.get('content-length'), head.headers.get('content-range'), head.headers.get('etag')]).toEqual([206, '100', `bytes 0-99/${SIZE}`, whole.headers.get('etag')]);
    expect((await bytes(head)).length).toBe(0);
  });

  it('refuses a range beyond the file with 416 and serves several ranges as the whole file', async () => {
    const beyond = await get({ range: `bytes=${SIZE}-` });
    expect([beyond.status, beyond.headers.get('content-range')]).toEqual([416, `bytes */${SIZE}`]);
    expect((await bytes(beyond)).length).toBe(0);
    const several = await get({ range: 'bytes=0-1,5-6' });
    expect([several.status, several.headers.get('content-length')]).toEqual([200, String(SIZE)]);
    expect(await bytes(several)).toEqual(FILE);
  });

  it('honours a range under If-Range only for this very version, and answers If-None-Match with 304', async () => {
    const first = await get({ range: 'bytes=0-9' });
    const etag = first.headers.get('etag')!;
    const lastModified = first.headers.get('last-modified')!;
    await first.arrayBuffer();
    for (const [ifRange, status] of [[etag, 206], [lastModified, 206], ['"another-version"', 200], [`W/${etag}`, 200], [new Date(0).toUTCString(), 200]] as const) {
      const res = await get({ range: 'bytes=0-9', 'if-range': ifRange });
      expect([ifRange, res.status]).toEqual([ifRange, status]);
      expect((await bytes(res)).length).toBe(status === 206 ? 10 : SIZE);
    }
    const revalidated = await get({ 'if-none-match': `"x", ${etag}` });
    expect([revalidated.status, revalidated.headers.get('etag')]).toEqual([304, etag]);
    expect((await bytes(revalidated)).length).toBe(0);
    const changed = await get({ 'if-none-match': '"another-version"', range: 'bytes=0-0' });
    expect(changed.status).toBe(206);
    await changed.arrayBuffer();
  });

  it('answers nobody signed in with 401, another product with 403, an undeclared file with 404', async () => {
    const anonymous = await fetch(server.url + MEDIA, { headers: { range: 'bytes=0-9' } });
    expect([anonymous.status, anonymous.headers.get('x-content-type-options'), anonymous.headers.get('cache-control')]).toEqual([401, 'nosniff', 'private, no-store']);
    expect(await anonymous.text()).toMatch(/Sign in/);
    expect((await get({}, 'GET', '/media/okr-coach/okr-workshop-sample.wav')).status).toBe(403);
    expect((await get({}, 'GET', `/media/${PRODUCT}/..%2F..%2F..%2Fpackage.json`)).status).toBe(404);
    expect((await get({}, 'GET', `/media/${PRODUCT}/okr-missing.wav`)).status).toBe(404);
    expect((await get({}, 'POST')).status).toBe(405);
  });

  it('refuses a refunded buyer, then an expired one, on the very next request', async () => {
    const ok = await get({ range: 'bytes=0-9' });
    expect(ok.status).toBe(206);
    await ok.arrayBuffer();
    await db.execute(`UPDATE purchases SET status = 'refunded' WHERE checkout_session_id = 'cs_test_media'`);
    expect((await get({ range: 'bytes=0-9' })).status).toBe(403);
    await db.execute(`UPDATE purchases SET status = 'paid', access_until = ${Date.now() - 1000} WHERE checkout_session_id = 'cs_test_media'`);
    expect((await get({ range: 'bytes=0-9' })).status).toBe(403);
    await db.execute(`UPDATE purchases SET access_until = ${Date.now() + 86_400_000} WHERE checkout_session_id = 'cs_test_media'`);
    expect((await get({ range: 'bytes=0-9' })).status).toBe(206);
  });
});
