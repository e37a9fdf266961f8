import { describe, expect, it, vi } from 'vitest';
import { afterResponse, withAfterResponse } from './after-response.server.ts';
import { withRequestId } from './log.server.ts';

// The work behind POST /subscribe and /login starts only once the whole answer has been handed to
// the server (issue 9, item 7): here the "server" is whoever reads the body.

const tick = () => new Promise((r) => setImmediate(r));

describe('work after the response', () => {
  it('starts only after the last byte of the body was read, and after the reader wrote it', async () => {
    const request = new Request('http://x/subscribe', { method: 'POST' });
    const events: string[] = [];
    afterResponse(request, async () => void events.push('work'));
    let more!: () => void;
    const second = new Promise<void>((r) => (more = r));
    const page = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(new TextEncoder().encode('<p>check '));
        await second;
        controller.enqueue(new TextEncoder().encode('your inbox</p>'));
        controller.close();
      },
    });
    const wrapped = withAfterResponse(request, new Response(page, { status: 202, headers: { 'x-a': '1' } }));
    expect(wrapped.status).toBe(202);
    expect(wrapped.headers.get('x-a')).toBe('1');
    // What the node adapter does: read, write, until done, then end.
    const reader = wrapped.body!.getReader();
    const decoder = new TextDecoder();
    let written = decoder.decode((await reader.read()).value);
    await tick();
    await tick();
    expect(events).toEqual([]);
    more();
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) written += decoder.decode(chunk.value);
    events.push(`ended: ${written}`);
    await tick();
    expect(events).toEqual(['ended: <p>check your inbox</p>', 'work']);
  });

  it('runs for a redirect without a body, and when the client goes away', async () => {
    const a = new Request('http://x/a', { method: 'POST' });
    let ran = 0;
    afterResponse(a, async () => void ran++);
    const redirect = withAfterResponse(a, new Response(null, { status: 303, headers: { location: '/thanks/' } }));
    expect(redirect.headers.get('location')).toBe('/thanks/');
    await redirect.text();
    await tick();
    expect(ran).toBe(1);

    const b = new Request('http://x/b', { method: 'POST' });
    afterResponse(b, async () => void ran++);
    await withAfterResponse(b, new Response('long page')).body!.cancel();
    await tick();
    expect(ran).toBe(2);
  });

  it('leaves other responses alone and keeps what Astro hangs on a response', async () => {
    const plain = new Response('x');
    expect(withAfterResponse(new Request('http://x/'), plain)).toBe(plain);
    const request = new Request('http://x/login', { method: 'POST' });
    afterResponse(request, async () => undefined);
    const original = new Response('x');
    const cookies = Symbol.for('astro.cookies');
    Reflect.set(original, cookies, 'the cookies');
    expect(Reflect.get(withAfterResponse(request, original), cookies)).toBe('the cookies');
  });

  it('logs a failing task instead of crashing the process', async () => {
    const request = new Request('http://x/', { method: 'POST' });
    const logged: string[] = [];
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (logged.push(String(chunk)), true));
    try {
      withRequestId('req-after-0001', () =>
        afterResponse(request, async () => {
          throw new Error('resend down');
        }),
      );
      await withAfterResponse(request, new Response('x')).text();
      await tick();
      await tick();
    } finally {
      stderr.mockRestore();
    }
    // The id of the request that left the work, though it fails after the response.
    expect(logged.join('\n')).toContain('req-after-0001');
    expect(logged.join('\n')).toContain('resend down');
  });
});
