import { afterEach, describe, expect, it, vi } from 'vitest';
import { log, maskEmail, requestIdFrom, scrub, setLogFormat, withRequestId } from './log.server.ts';

function capture(): { lines: () => string[]; restore: () => void } {
  const written: string[] = [];
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (written.push(String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (written.push(String(chunk)), true));
  return { lines: () => written.join('').split('\n').filter(Boolean), restore: () => (out.mockRestore(), err.mockRestore()) };
}

afterEach(() => setLogFormat(undefined));

describe('scrub', () => {
  it.each([
    ['sent to ada.lovelace@example.com', 'sent to a…@example.com'],
    ['to "Ada" <ada@mail.example.org>', 'to "Ada" <a…@mail.example.org>'],
    ['key sk_live_51HxyzABC and whsec_abcDEF123 and re_12345678_abc', 'key [secret] and [secret] and [secret]'],
    ['link /login/verify?token=Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eHF1dXhx', 'link /login/verify?token=[token]'],
    ['purchase 42 (okr-workshop-2027-03), session cs_test_a1B2c3', 'purchase 42 (okr-workshop-2027-03), session cs_test_a1B2c3'],
  ])('%s', (input, output) => expect(scrub(input)).toBe(output));

  it('masks an address to its first letter and domain', () => expect(maskEmail('giulia@example.it')).toBe('g…@example.it'));
});

describe('log lines', () => {
  it('writes one JSON object per event in production, with the request id and scrubbed fields', () => {
    setLogFormat('json');
    const c = capture();
    try {
      withRequestId('req-12345678', () => log.error('stripe.webhook', { message: 'refused for bob@example.com', status: 400 }));
    } finally {
      c.restore();
    }
    const [line] = c.lines();
    expect(JSON.parse(line!)).toMatchObject({ level: 'error', event: 'stripe.webhook', requestId: 'req-12345678', message: 'refused for b…@example.com', status: 400 });
    expect(c.lines()).toHaveLength(1);
  });

  it('writes a short human line elsewhere', () => {
    setLogFormat('text');
    const c = capture();
    try {
      log.info('newsletter.batch', { send: 3, sent: 100, note: 'two words' });
    } finally {
      c.restore();
    }
    expect(c.lines()).toEqual([expect.stringMatching(/^\d\d:\d\d:\d\d newsletter\.batch send=3 sent=100 note="two words"$/)]);
  });

  it('keeps a request id from the proxy only when it looks like one', () => {
    expect(requestIdFrom('abc-12345678')).toBe('abc-12345678');
    expect(requestIdFrom('<script>')).toMatch(/^[0-9a-f]{16}$/);
    expect(requestIdFrom(null)).toMatch(/^[0-9a-f]{16}$/);
  });
});
