import { createHash, randomBytes } from 'node:crypto';

// Sign-in links and session cookies carry 256 random bits; the database keeps only their SHA-256,
// so a leaked table grants nothing. Pure helpers, tested beside this file.

export const SIGN_IN_TTL_MS = 15 * 60_000;
export const SESSION_TTL_MS = 30 * 86_400_000;

export function newSecretToken(): string {
  return randomBytes(32).toString('base64url');
}

/** A token as newSecretToken makes them (43 base64url characters); anything else is refused unread. */
export function isWellFormedToken(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9_-]{43}$/.test(value);
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
