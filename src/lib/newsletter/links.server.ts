import { appSecret, verificationSecrets } from '../core/secret.server.ts';
import { signToken, verifyToken } from '../core/signed-tokens.ts';
import { getEnv } from '../core/env.server.ts';

// Links that act on one subscriber. Both are signed over the subscriber's id and address, so
// one cannot be edited into another address's link.

export const CONFIRM_TOKEN_TTL_MS = 7 * 86_400_000;

export function confirmUrl(subscriber: { id: number; email: string }, issuedAt: number): string {
  const token = signToken(appSecret(), 'confirm', { s: subscriber.id, e: subscriber.email, t: issuedAt });
  return `${getEnv().SITE_URL}/subscribe/confirm?token=${token}`;
}

export function unsubscribeUrl(subscriber: { id: number; email: string }): string {
  const token = signToken(appSecret(), 'unsubscribe', { s: subscriber.id, e: subscriber.email });
  return `${getEnv().SITE_URL}/unsubscribe?token=${token}`;
}

/**
 * The unsubscribe link of a test copy or preview: it opens a page that says so and changes
 * nothing. A real link needs a subscriber, and the author's test address may not be one.
 */
export function unsubscribePreviewUrl(lang: string): string {
  return `${getEnv().SITE_URL}/unsubscribe?preview=1&lang=${encodeURIComponent(lang)}`;
}

export function readConfirmToken(token: unknown): { id: number; email: string; issuedAt: number } | undefined {
  const data = verifyToken(verificationSecrets(), 'confirm', token);
  if (!data || typeof data.s !== 'number' || typeof data.e !== 'string' || typeof data.t !== 'number') return undefined;
  return { id: data.s, email: data.e, issuedAt: data.t };
}

export function readUnsubscribeToken(token: unknown): { id: number; email: string } | undefined {
  const data = verifyToken(verificationSecrets(), 'unsubscribe', token);
  if (!data || typeof data.s !== 'number' || typeof data.e !== 'string') return undefined;
  return { id: data.s, email: data.e };
}

/** RFC 8058 one-click unsubscribe headers, for every email a subscriber gets. */
export function unsubscribeHeaders(url: string): Record<string, string> {
  return { 'List-Unsubscribe': `<${url}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}

/** The lead magnet's download link, sent in the welcome email. */
export function downloadUrl(subscriber: { id: number; email: string }): string {
  const token = signToken(appSecret(), 'download', { s: subscriber.id, e: subscriber.email });
  return `${getEnv().SITE_URL}/subscribe/download?token=${token}`;
}

export function readDownloadToken(token: unknown): { id: number; email: string } | undefined {
  const data = verifyToken(verificationSecrets(), 'download', token);
  if (!data || typeof data.s !== 'number' || typeof data.e !== 'string') return undefined;
  return { id: data.s, email: data.e };
}
