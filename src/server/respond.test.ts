import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compressSync, negotiateEncoding, representations, sendRepresentation } from './respond.ts';

describe('negotiateEncoding', () => {
  it('follows the client: brotli first on a tie, q=0 refuses, * stands for the rest', () => {
    expect(negotiateEncoding(undefined)).toBe('identity');
    expect(negotiateEncoding('')).toBe('identity');
    expect(negotiateEncoding('gzip, deflate, br')).toBe('br');
    expect(negotiateEncoding('gzip, deflate, br, zstd')).toBe('br');
    expect(negotiateEncoding('gzip')).toBe('gzip');
    expect(negotiateEncoding('br;q=0.5, gzip;q=0.8')).toBe('gzip');
    expect(negotiateEncoding('br;q=0, gzip;q=0')).toBe('identity');
    expect(negotiateEncoding('*')).toBe('br');
    expect(negotiateEncoding('*;q=0, gzip')).toBe('gzip');
    expect(negotiateEncoding('deflate')).toBe('identity');
    expect(negotiateEncoding('BR')).toBe('br');
  });
});

const html = Buffer.from(`<!doctype html><p>${'Three steps to a calmer Monday. '.repeat(200)}</p>`);
const rep = representations(200, [['Content-Type', 'text/html'], ['Content-Security-Policy', "script-src 'self'"], ['X-Request-Id', 'stale'], ['Content-Length', '1']], html, compressSync(html));

let server: http.Server;
let origin: string;
beforeAll(async () => {
  server = http.createServer((req, res) => sendRepresentation(req, res, rep, 'req-12345678'));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => server.close());

function get(headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .request(origin, { method, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject)
      .end();
  });
}

describe('sendRepresentation', () => {
  it('sends brotli, gzip or identity as asked, each decompressing to the same bytes', async () => {
    const br = await get({ 'accept-encoding': 'gzip, deflate, br' });
    const gz = await get({ 'accept-encoding': 'gzip' });
    const id = await get();
    expect(br.headers['content-encoding']).toBe('br');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(id.headers['content-encoding']).toBeUndefined();
    expect(brotliDecompressSync(br.body).equals(html)).toBe(true);
    expect(gunzipSync(gz.body).equals(html)).toBe(true);
    expect(id.body.equals(html)).toBe(true);
    expect(br.body.length).toBeLessThan(html.length / 5);
    for (const r of [br, gz, id]) {
      expect(r.headers.vary).toBe('Accept-Encoding');
      expect(r.headers['content-length']).toBe(String(r.body.length));
      expect(r.headers['content-security-policy']).toBe("script-src 'self'");
      expect(r.headers['x-request-id']).toBe('req-12345678');
    }
    // Strong validators name exact bytes: one per encoding.
    expect(new Set([br, gz, id].map((r) => r.headers.etag)).size).toBe(3);
  });

  it('answers 304 with no body to a client holding the page, and headers only to HEAD', async () => {
    const first = await get({ 'accept-encoding': 'br' });
    const again = await get({ 'accept-encoding': 'br', 'if-none-match': first.headers.etag! });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    expect(again.headers.etag).toBe(first.headers.etag);
    expect((await get({ 'if-none-match': '"other"' })).status).toBe(200);
    const head = await get({ 'accept-encoding': 'gzip' }, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(head.headers['content-length']).toBe((await get({ 'accept-encoding': 'gzip' })).headers['content-length']);
  });
});
