import { describe, expect, it } from 'vitest';
import { hashToken, isWellFormedToken, newSecretToken, normalizeEmail, SESSION_TTL_MS, SIGN_IN_TTL_MS } from './login-tokens.ts';

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

describe('normalizeEmail', () => {
  it('lower-cases and trims', () => {
    expect(normalizeEmail('  Ada.Lovelace@Example.COM \n')).toBe('ada.lovelace@example.com');
    expect(normalizeEmail('ada+drumbeat@example.co.uk')).toBe('ada+drumbeat@example.co.uk');
  });

  it('accepts an address of 254 characters and refuses 255', () => {
    const at254 = 'a'.repeat(64) + '@' + 'b'.repeat(185) + '.com';
    expect(at254).toHaveLength(254);
    expect(normalizeEmail(at254)).toBe(at254);
    expect(normalizeEmail('a' + at254)).toBeUndefined();
  });

  it('measures the length after trimming', () => {
    const at254 = 'a'.repeat(64) + '@' + 'b'.repeat(185) + '.com';
    expect(normalizeEmail(`   ${at254}   `)).toBe(at254);
  });

  it.each([
    ['no @', 'ada.example.com'],
    ['two @', 'ada@lovelace@example.com'],
    ['nothing before @', '@example.com'],
    ['no dot in the domain', 'ada@example'],
    ['a one-letter top-level domain', 'ada@example.c'],
    ['a space inside', 'ada lovelace@example.com'],
    ['a tab inside', 'ada\t@example.com'],
    ['header injection', 'a@b.com\r\nBcc: x@y.com'],
    ['a newline inside', 'a@b.com\nx'],
    ['more than 254 characters', 'a'.repeat(250) + '@b.com'],
    ['angle brackets', '<ada@example.com>'],
    ['a display name', 'Ada <ada@example.com>'],
    ['a comma list', 'ada@example.com,bob@example.com'],
    ['a semicolon list', 'ada@example.com;bob@example.com'],
    ['quotes', '"ada"@example.com'],
    ['a comment', 'ada(x)@example.com'],
    ['a domain literal', 'ada@[127.0.0.1]'],
    ['a backslash', 'ad\\a@example.com'],
    ['a colon', 'mailto:ada@example.com'],
    ['empty', ''],
    ['only spaces', '   '],
  ])('refuses %s', (_label, value) => {
    expect(normalizeEmail(value)).toBeUndefined();
  });

  it.each([undefined, null, 42, ['ada@example.com'], { email: 'ada@example.com' }])('refuses the non-string %j', (value) => {
    expect(normalizeEmail(value)).toBeUndefined();
  });
});

describe('lifetimes', () => {
  it('is 15 minutes for a sign-in link and 30 days for a session', () => {
    expect(SIGN_IN_TTL_MS).toBe(15 * 60 * 1000);
    expect(SESSION_TTL_MS).toBe(30 * 24 * 60 * 60 * 1000);
  });
});
