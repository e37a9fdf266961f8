import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

// Signed tokens: keyId + "." + base64url(JSON payload) + "." + base64url(HMAC-SHA256(secret, purpose + payload)).
// The purpose is part of the MAC, so a token made for one use (unsubscribe) is useless for another
// (confirm), and any change to the payload (another address, a later expiry) breaks the signature.
// The key id names the secret that signed it, so APP_SECRET can be rotated while the links already
// mailed (unsubscribe links live for years) still verify under APP_SECRET_PREVIOUS (docs/decisions/023).
// Tokens made before key ids existed are "payload.mac" and are checked against every known secret.

export type TokenPurpose = 'confirm' | 'unsubscribe' | 'download';

function mac(secret: string, purpose: TokenPurpose, payload: string): string {
  return createHmac('sha256', secret).update(`${purpose}\n${payload}`).digest('base64url');
}

/**
 * Eight characters naming a secret: derived from it, so the operator names nothing and every
 * process sharing the secret agrees. 48 bits of a hash tell nothing a token's MAC does not.
 */
export function keyId(secret: string): string {
  return createHash('sha256').update(`drumbeat key id\n${secret}`).digest('base64url').slice(0, 8);
}

/** Signs with `secret` (the current one), naming it in the token. */
export function signToken(secret: string, purpose: TokenPurpose, data: Record<string, string | number>): string {
  const payload = Buffer.from(JSON.stringify(data)).toString('base64url');
  return `${keyId(secret)}.${payload}.${mac(secret, purpose, payload)}`;
}

function sameMac(secret: string, purpose: TokenPurpose, payload: string, signature: string): boolean {
  const expected = Buffer.from(mac(secret, purpose, payload));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/**
 * The payload if the token is intact, made for this purpose and signed by one of `secrets` (the
 * current one first, then those still accepted); undefined otherwise. A key id that names none of
 * them is refused unread: that secret was retired.
 */
export function verifyToken(secrets: string | readonly string[], purpose: TokenPurpose, token: unknown): Record<string, unknown> | undefined {
  if (typeof token !== 'string' || token.length > 1024) return undefined;
  const keys = typeof secrets === 'string' ? [secrets] : secrets;
  const parts = token.split('.');
  let payload: string | undefined;
  let signature: string | undefined;
  let candidates: readonly string[];
  if (parts.length === 3) {
    const [kid, p, s] = parts;
    payload = p;
    signature = s;
    candidates = keys.filter((k) => keyId(k) === kid);
  } else if (parts.length === 2) {
    [payload, signature] = parts;
    candidates = keys;
  } else {
    return undefined;
  }
  if (!payload || !signature) return undefined;
  const [body, sig] = [payload, signature];
  if (!candidates.some((k) => sameMac(k, purpose, body, sig))) return undefined;
  try {
    const data = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    return data && typeof data === 'object' && !Array.isArray(data) ? data : undefined;
  } catch {
    return undefined;
  }
}
