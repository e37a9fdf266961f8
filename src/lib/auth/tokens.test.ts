import { describe, expect, it } from 'vitest';
import { hashToken, isWellFormedToken, newSecretToken, SESSION_TTL_MS, SIGN_IN_TTL_MS } from './tokens.ts';

describe('newSecretToken', () => {
  it('is 43 base64url characters (256 bits)', () => {
    const token = newSecretToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
  });

  it('is unique across 1000 draws, and every draw is well formed', () => {
    const tokens = Array.from({ length: 1000 }, newSecretToken);
    expect(new Set(tokens).size).toBe(1000);
    expect(tokens.every((t) => isWellFormedToken(t))).toBe(true);
  });
});

describe('isWellFormedToken', () => {
  const good = 'A'.repeat(20) + 'z9_-' + 'b'.repeat(19);

  it('accepts 43 base64url characters', () => {
    expect(good).toHaveLength(43);
    expect(isWellFormedToken(good)).toBe(true);
    expect(isWellFormedToken('-'.repeat(43))).toBe(true);
  });

  it.each([
    ['42 characters', 'a'.repeat(42)],
    ['44 characters', 'a'.repeat(44)],
    ['a "+"', 'a'.repeat(42) + '+'],
    ['a "/"', '/' + 'a'.repeat(42)],
    ['padding', 'a'.repeat(42) + '='],
    ['a space', 'a'.repeat(21) + ' ' + 'a'.repeat(21)],
    ['a trailing newline', 'a'.repeat(43) + '\n'],
    ['a non-ASCII letter', 'é' + 'a'.repeat(42)],
    ['empty', ''],
  ])('refuses %s', (_label, value) => {
    expect(isWellFormedToken(value)).toBe(false);
  });

  it.each([undefined, null, 42, ['a'.repeat(43)], { token: 'a'.repeat(43) }, new String('a'.repeat(43))])('refuses the non-string %j', (value) => {
    expect(isWellFormedToken(value)).toBe(false);
  });
});

describe('hashToken', () => {
  it('is 64 lowercase hex characters, the SHA-256 of the token', () => {
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hashToken(newSecretToken())).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is deterministic, and differs for different tokens', () => {
    const token = newSecretToken();
    expect(hashToken(token)).toBe(hashToken(token));
    expect(hashToken(token)).not.toBe(hashToken(newSecretToken()));
    expect(hashToken(token)).not.toBe(token);
  });
});

describe('lifetimes', () => {
  it('is 15 minutes for a sign-in link and 30 days for a session', () => {
    expect(SIGN_IN_TTL_MS).toBe(15 * 60 * 1000);
    expect(SESSION_TTL_MS).toBe(30 * 24 * 60 * 60 * 1000);
  });
});
