import { nowMs } from '../clock.ts';
import { getDb, serializeWrites } from '../db/client.server.ts';
import { renderSignInEmail } from '../email/render.server.ts';
import { sendEmail } from '../email/send.server.ts';
import { getEnv } from '../env.server.ts';
import { langPrefix } from '../notes/urls.ts';
import { getSite } from '../site.server.ts';
import { allow } from './rate-limit.server.ts';
import { hashToken, isWellFormedToken, newSecretToken, normalizeEmail, SIGN_IN_TTL_MS } from './login-tokens.ts';

// Passwordless sign-in: a random single-use token, stored hashed, valid 15 minutes. The visitor
// always gets the same answer; a link is sent only to addresses that bought something (or admins).

const IP_LIMIT = 10;
const ADDRESS_LIMIT = 3;
const WINDOW_MS = 15 * 60_000;

export type SignInRequest = { ok: true } | { ok: false; status: 400 | 429; field?: 'email' };

/** Whether an address has anything to sign in to. */
export async function canSignIn(email: string): Promise<boolean> {
  if (getEnv().ADMIN_EMAILS.includes(email)) return true;
  const rows = await getDb().$client.execute({ sql: `SELECT 1 FROM purchases WHERE email = ? AND status != 'reserved' LIMIT 1`, args: [email] });
  return rows.rows.length > 0;
}

/** Stores a new sign-in token for the address and returns the link that redeems it. */
export async function issueSignInLink(email: string, lang: string): Promise<string> {
  const token = newSecretToken();
  const now = nowMs();
  await serializeWrites(() =>
    getDb().$client.execute({
      sql: 'INSERT INTO login_tokens (token_hash, email, lang, created_at, expires_at) VALUES (?, ?, ?, ?, ?)',
      args: [hashToken(token), email, lang, now, now + SIGN_IN_TTL_MS],
    }),
  );
  // Expired tokens are worthless; sweep now and then rather than on every sign-in.
  if (Math.random() < 0.05) {
    void serializeWrites(() => getDb().$client.execute({ sql: 'DELETE FROM login_tokens WHERE expires_at < ?', args: [now - 86_400_000] })).catch(() => undefined);
  }
  return `${getEnv().SITE_URL}${langPrefix(lang, getSite().defaultLanguage)}/login/verify?token=${token}`;
}

async function sendSignInLink(email: string, lang: string): Promise<void> {
  const site = getSite();
  const signInUrl = await issueSignInLink(email, lang);
  const rendered = await renderSignInEmail({ lang, siteTitle: site.title, authorName: site.author.name, signInUrl, validMinutes: SIGN_IN_TTL_MS / 60_000 });
  await sendEmail({ to: email, ...rendered, tags: [{ name: 'category', value: 'sign-in' }] });
}

/**
 * POST /login. Rate limited per IP and per address; the email goes out in the background, so the
 * answer takes the same time whether or not the address has purchases.
 */
export async function requestSignIn(input: { email: unknown; lang: string; ip: string }): Promise<SignInRequest> {
  const email = normalizeEmail(input.email);
  if (!email) return { ok: false, status: 400, field: 'email' };
  if (!(await allow(`login-ip:${input.ip}`, IP_LIMIT, WINDOW_MS))) return { ok: false, status: 429 };
  // Past the per-address limit the visitor sees the usual answer: saying "too many" would tell
  // them the address is in use.
  if (!(await allow(`login-address:${email}`, ADDRESS_LIMIT, WINDOW_MS))) return { ok: true };
  void (async () => {
    if (await canSignIn(email)) await sendSignInLink(email, input.lang);
  })().catch((err) => console.error(`sign-in email not sent: ${(err as Error).message}`));
  return { ok: true };
}

export type TokenState = { state: 'valid'; email: string; lang: string } | { state: 'expired' | 'used'; email: string; lang: string } | { state: 'invalid' };

/** What a sign-in link is, without using it (the GET page). */
export async function inspectSignInToken(token: unknown): Promise<TokenState> {
  if (!isWellFormedToken(token)) return { state: 'invalid' };
  const rows = await getDb().$client.execute({ sql: 'SELECT email, lang, expires_at, used_at FROM login_tokens WHERE token_hash = ?', args: [hashToken(token)] });
  const row = rows.rows[0];
  if (!row) return { state: 'invalid' };
  const base = { email: String(row.email), lang: String(row.lang) };
  if (row.used_at !== null) return { state: 'used', ...base };
  if (Number(row.expires_at) <= nowMs()) return { state: 'expired', ...base };
  return { state: 'valid', ...base };
}

/** Uses a sign-in token: one statement, so two clicks racing cannot both sign in. */
export async function redeemSignInToken(token: unknown, ip: string): Promise<{ email: string; lang: string } | undefined> {
  if (!(await allow(`login-verify-ip:${ip}`, 30, WINDOW_MS))) return undefined;
  if (!isWellFormedToken(token)) return undefined;
  const now = nowMs();
  const rows = await serializeWrites(() =>
    getDb().$client.execute({
      sql: 'UPDATE login_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ? RETURNING email, lang',
      args: [now, hashToken(token), now],
    }),
  );
  const row = rows.rows[0];
  return row ? { email: String(row.email), lang: String(row.lang) } : undefined;
}
