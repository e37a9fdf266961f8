import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { installFront, pathOf, type FrontHandler } from './front.ts';

let server: http.Server | undefined;
afterEach(() => server?.close());

async function serve(handlers: FrontHandler[], errors: unknown[] = []): Promise<string> {
  // The adapter's place: answers whatever the front hands on.
  server = http.createServer((req, res) => res.end(`astro ${req.method} ${req.url}`));
  installFront(server, handlers, { requestIdFrom: (h) => h ?? 'fresh-id-0001', onError: (err) => errors.push(err) });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('pathOf', () => {
  it('is the path as sent, without query or fragment', () => {
    expect(pathOf('/notes/1/?x=1')).toBe('/notes/1/');
    expect(pathOf('/a#b?c')).toBe('/a');
    expect(pathOf('*')).toBe('');
    expect(pathOf('http://x/y')).toBe('');
  });
});

describe('installFront', () => {
  it('tries each handler in turn, sync or async, and hands the rest to the adapter', async () => {
    const seen: string[] = [];
    const origin = await serve([
      (req, res, ctx) => {
        seen.push(`a ${ctx.pathname} ${ctx.requestId}`);
        if (ctx.pathname !== '/a') return false;
        res.end('from a');
        return true;
      },
      async (req, res, ctx) => {
        await new Promise((r) => setTimeout(r, 1));
        if (ctx.pathname !== '/b') return false;
        res.end('from b');
        return true;
      },
    ]);
    expect(await (await fetch(`${origin}/a?q=1`)).text()).toBe('from a');
    expect(await (await fetch(`${origin}/b`)).text()).toBe('from b');
    expect(await (await fetch(`${origin}/c?q=1`)).text()).toBe('astro GET /c?q=1');
    await fetch(`${origin}/a`, { headers: { 'x-request-id': 'proxy-id-42' } });
    expect(seen).toContain('a /a proxy-id-42');
    expect(seen).toContain('a /c fresh-id-0001');
  });

  it('lets only GET and HEAD reach the handlers', async () => {
    const origin = await serve([(req, res) => (res.end('front'), true)]);
    expect(await (await fetch(`${origin}/x`, { method: 'POST', body: 'a=1' })).text()).toBe('astro POST /x');
    expect((await fetch(`${origin}/x`, { method: 'HEAD' })).status).toBe(200);
    expect(await (await fetch(`${origin}/x`)).text()).toBe('front');
  });

  it('hands a request on when a handler fails before answering, and reports the error', async () => {
    const errors: unknown[] = [];
    const origin = await serve(
      [
        () => {
          throw new Error('boom');
        },
        async () => Promise.reject(new Error('later boom')),
      ],
      errors,
    );
    expect(await (await fetch(`${origin}/x`)).text()).toBe('astro GET /x');
    expect(errors.map((e) => (e as Error).message)).toEqual(['boom', 'later boom']);
  });
});
