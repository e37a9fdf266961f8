import { describe, expect, it } from 'vitest';
import { signToken, verifyToken } from './signed-tokens.ts';

const secret = 'x'.repeat(40);

describe('signed tokens', () => {
  it('round-trips the payload for the same purpose', () => {
    const token = signToken(secret, 'unsubscribe', { s: 7, e: 'ada@example.com' });
    expect(verifyToken(secret, 'unsubscribe', token)).toEqual({ s: 7, e: 'ada@example.com' });
  });

  it('refuses another purpose, another secret, or a changed payload', () => {
    const token = signToken(secret, 'unsubscribe', { s: 7, e: 'ada@example.com' });
    expect(verifyToken(secret, 'confirm', token)).toBeUndefined();
    expect(verifyToken('y'.repeat(40), 'unsubscribe', token)).toBeUndefined();
    const [, sig] = token.split('.');
    const forged = `${Buffer.from(JSON.stringify({ s: 8, e: 'bob@example.com' })).toString('base64url')}.${sig}`;
    expect(verifyToken(secret, 'unsubscribe', forged)).toBeUndefined();
  });

  it.each([undefined, '', 'abc', 'a.b.c', 'x'.repeat(2000), 42, '..'])('refuses garbage %j', (t) => {
    expect(verifyToken(secret, 'confirm', t)).toBeUndefined();
  });
});
