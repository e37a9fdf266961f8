import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { keyId, signToken, verifyToken } from './signed-tokens.ts';

const secret = 'x'.repeat(40);
const OLD = 'old-secret-0123456789abcdefghijklmnopqrstuvwxyz';
const NEW = 'new-secret-0123456789abcdefghijklmnopqrstuvwxyz';

/** A token exactly as this module made them before key ids (payload.mac), mailed in 2026. */
function legacyToken(key: string, purpose: string, data: Record<string, string | number>): string {
  const payload = Buffer.from(JSON.stringify(data)).toString('base64url');
  return `${payload}.${createHmac('sha256', key).update(`${purpose}\n${payload}`).digest('base64url')}`;
}

describe('signed tokens', () => {
  it('round-trips the payload for the same purpose', () => {
    const token = signToken(secret, 'unsubscribe', { s: 7, e: 'ada@example.com' });
    expect(verifyToken(secret, 'unsubscribe', token)).toEqual({ s: 7, e: 'ada@example.com' });
  });

  it('refuses another purpose, another secret, or a changed payload', () => {
    const token = signToken(secret, 'unsubscribe', { s: 7, e: 'ada@example.com' });
    expect(verifyToken(secret, 'confirm', token)).toBeUndefined();
    expect(verifyToken('y'.repeat(40), 'unsubscribe', token)).toBeUndefined();
    const [kid, , sig] = token.split('.');
    const forged = `${kid}.${Buffer.from(JSON.stringify({ s: 8, e: 'bob@example.com' })).toString('base64url')}.${sig}`;
    expect(verifyToken(secret, 'unsubscribe', forged)).toBeUndefined();
  });

  it.each([undefined, '', 'abc', 'a.b.c', 'a.b.c.d', 'x'.repeat(2000), 42, '..', '...'])('refuses garbage %j', (t) => {
    expect(verifyToken(secret, 'confirm', t)).toBeUndefined();
  });
});

describe('rotating the secret (docs/decisions/023)', () => {
  const data = { s: 7, e: 'ada@example.com' };

  it('names the signing key in new tokens, and signs new tokens with the new key', () => {
    const token = signToken(NEW, 'unsubscribe', data);
    expect(token.split('.')[0]).toBe(keyId(NEW));
    expect(keyId(NEW)).toMatch(/^[A-Za-z0-9_-]{8}$/);
    expect(keyId(OLD)).not.toBe(keyId(NEW));
    // Only the new secret made it: listed as the sole key, the old one refuses it.
    expect(verifyToken([OLD], 'unsubscribe', token)).toBeUndefined();
    expect(verifyToken([NEW, OLD], 'unsubscribe', token)).toEqual(data);
  });

  it('accepts a token of the old secret while it is listed, and not once it is removed', () => {
    const token = signToken(OLD, 'unsubscribe', data);
    expect(verifyToken([NEW, OLD], 'unsubscribe', token)).toEqual(data);
    expect(verifyToken([NEW], 'unsubscribe', token)).toBeUndefined();
  });

  it('still accepts tokens mailed before key ids existed, under the current or a listed secret', () => {
    const before = legacyToken(OLD, 'unsubscribe', data);
    expect(verifyToken(OLD, 'unsubscribe', before)).toEqual(data);
    expect(verifyToken([NEW, OLD], 'unsubscribe', before)).toEqual(data);
    expect(verifyToken([NEW], 'unsubscribe', before)).toBeUndefined();
    expect(verifyToken([NEW, OLD], 'confirm', before)).toBeUndefined();
  });

  it('does not let a key id pick a secret that did not sign the token', () => {
    const token = signToken(OLD, 'unsubscribe', data);
    const relabelled = `${keyId(NEW)}.${token.split('.').slice(1).join('.')}`;
    expect(verifyToken([NEW, OLD], 'unsubscribe', relabelled)).toBeUndefined();
  });
});
