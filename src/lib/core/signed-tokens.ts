import { createHmac, timingSafeEqual } from 'node:crypto';

// Signed tokens: base64url(JSON payload) + "." + base64url(HMAC-SHA256(secret, purpose + payload)).
// The purpose is part of the MAC, so a token made for one use (unsubscribe) is useless for another
// (confirm), and any change to the payload (another address, a later expiry) breaks the signature.

export type TokenPurpose = 'confirm' | 'unsubscribe' | 'download';

function mac(secret: string, purpose: TokenPurpose, payload: string): string {
  return createHmac('sha256', secret).update(`${purpose}\n${payload}`).digest('base64url');
}

export function signToken(secret: string, purpose: TokenPurpose, data: Record<string, string | number>): string {
  const payload = Buffer.from(JSON.stringify(data)).toString('base64url');
  return `${payload}.${mac(secret, purpose, payload)}`;
}

/** The payload if the token is intact and made for this purpose; undefined otherwise. */
export function verifyToken(secret: string, purpose: TokenPurpose, token: unknown): Record<string, unknown> | undefined {
  if (typeof token !== 'string' || token.length > 1024) return undefined;
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) return undefined;
  const expected = Buffer.from(mac(secret, purpose, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  try {
    const data = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return data && typeof data === 'object' && !Array.isArray(data) ? data : undefined;
  } catch {
    return undefined;
  }
}
