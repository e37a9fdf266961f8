import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetEnvCache } from '../core/env.server.ts';
import { prepareBatch, sendBatch, sendPreparedBatch, type OutgoingEmail } from './transport.server.ts';

// A prepared batch is the request the SDK's batch.send makes, byte for byte: a send resumed by a
// newer version under the same idempotency key must not look like other content (409).

const seen: { headers: http.IncomingHttpHeaders; body: Buffer }[] = [];
let server: http.Server;

beforeAll(async () => {
  server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    seen.push({ headers: req.headers, body });
    const count = (JSON.parse(body.toString('utf8')) as unknown[]).length;
    res.writeHead(200, { 'content-type': 'application/json', 'ratelimit-limit': '10', 'ratelimit-remaining': '9', 'ratelimit-reset': '1' });
    res.end(JSON.stringify({ data: Array.from({ length: count }, (_, i) => ({ id: `id_${seen.length}_${i}` })) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.env.RESEND_API_KEY = 're_test_prepared';
  process.env.RESEND_BASE_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  resetEnvCache();
});
afterAll(async () => {
  delete process.env.RESEND_API_KEY;
  delete process.env.RESEND_BASE_URL;
  resetEnvCache();
  await new Promise((resolve) => server.close(resolve));
});

const emails: OutgoingEmail[] = [
  { to: 'ada@example.com', subject: 'Note 205 — «über» 🥁', html: '<p>Ciao "Ada" & co\u2028</p>\n<a href="https://x/u?t=a&b">u</a>', text: 'Ciao\ttab \\ slash', headers: { 'List-Unsubscribe': '<https://x/u?t=1>' }, tags: [{ name: 'send', value: '7' }] },
  { to: 'Bob@Example.COM', subject: 'plain', html: '<p>b</p>', text: 'b' },
];

describe('prepareBatch', () => {
  it('sends the same bytes and headers as the SDK batch.send, and reads the answer the same way', async () => {
    const direct = await sendBatch(emails, { idempotencyKey: 'key-1' });
    const prepared = await sendPreparedBatch(prepareBatch(emails), { idempotencyKey: 'key-1' });
    expect(seen).toHaveLength(2);
    expect(seen[1]!.body.equals(seen[0]!.body)).toBe(true);
    for (const name of ['authorization', 'content-type', 'idempotency-key', 'x-batch-validation', 'content-length']) expect([name, seen[1]!.headers[name]]).toEqual([name, seen[0]!.headers[name]]);
    expect(direct).toMatchObject({ ok: true, ids: ['id_1_0', 'id_1_1'], rateLimit: { limit: 10, remaining: 9, reset: 1 } });
    expect(prepared).toMatchObject({ ok: true, ids: ['id_2_0', 'id_2_1'], rateLimit: { limit: 10, remaining: 9, reset: 1 } });
  });

  it('refuses more than 100 emails, like sendBatch', () => {
    expect(() => prepareBatch(Array.from({ length: 101 }, () => emails[1]!))).toThrow(/at most 100/);
  });
});

describe('templateBatches', () => {
  it('writes the bytes prepareBatch writes for the filled-in emails', async () => {
    const { templateBatches } = await import('./transport.server.ts');
    const HOLE = 'HOLE_HERE';
    const template = { subject: 'Note «205» 🥁', html: `<a href="${HOLE}">"out"</a>\n<p>é\u2028</p><a href="${HOLE}">again</a>`, text: `Leave: ${HOLE}\t\\ ok`, tags: [{ name: 'send', value: '3' }] };
    const fills = [
      { to: 'ada@example.com', headers: { 'List-Unsubscribe': '<https://x/u?t=1&a="b">' }, html: 'https://x/u?t=1&amp;a=&quot;b&quot;', text: 'https://x/u?t=1&a="b"' },
      { to: 'bob@example.com', html: 'https://x/u?t=2', text: 'https://x/u?t=2' },
    ];
    const templated = templateBatches(template, HOLE)(fills);
    const plain = prepareBatch(
      fills.map((f) => ({ to: f.to, subject: template.subject, html: template.html.replaceAll(HOLE, f.html), text: template.text.replaceAll(HOLE, f.text), headers: f.headers, tags: template.tags })),
    );
    expect('body' in templated && 'body' in plain).toBe(true);
    if ('body' in templated && 'body' in plain) expect(templated.body.toString('utf8')).toBe(plain.body.toString('utf8'));
    expect(() => templateBatches(template, HOLE)([{ to: 'eve@example.com\r\nBcc: x@example.com', html: '', text: '' }])).toThrow(/line break/);
  });
});
