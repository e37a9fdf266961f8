import { and, eq, gt, isNull, lt } from 'drizzle-orm';
import type { Defer } from '../core/after-response.server.ts';
import { nowMs } from '../core/clock.ts';
import { getDb, serializeWrites } from '../core/db/client.server.ts';
import { loginTokens } from '../core/db/schema.ts';
import { normalizeEmail } from '../core/email-address.ts';
import { getEnv } from '../core/env.server.ts';
import { allow, claimAddressSend, releaseAddressSend, type MailSchedule } from '../core/rate-limit.server.ts';
import { getSite } from '../core/site.server.ts';
import { renderSignInEmail } from '../email/render.server.ts';
import { sendEmail } from '../email/transport.server.ts';
import { toLang, type Lang } from '../../i18n/lang.ts';
import { localizedPath } from '../../i18n/paths.ts';
import { safeReturnPath } from './return-path.ts';
import { hashToken, isWellFormedToken, newSecretToken, SIGN_IN_TTL_MS } from './tokens.ts';
import { describeError } from '../core/errors.ts';
import { log } from '../core/log.server.ts';

// Passwordless sign-in: a random single-use token, stored hashed, valid 15 minutes. The visitor
// always gets the same answer; a link is sent only to addresses the caller says may sign in.

const IP_LIMIT = 10;
const WINDOW_MS = 15 * 60_000;
/**
 * Sign-in emails to one address: three at once (a buyer on two devices, a link opened in the wrong
 * browser), then after 5 and 15 minutes and every hour, at most 8 in 24 hours (docs/decisions/014).
 * Asking more often gets the usual answer and no email.
 */
export const SIGN_IN_SCHEDULE: MailSchedule = { gapsMs: [0, 0, 5 * 60_000, 15 * 60_000, 60 * 60_000], perDay: 8 };

export type SignInRequest = { ok: true } | { ok: false; status: 400 | 429; field?: 'email' };

/** Stores a new sign-in token for the address and returns the link that redeems it. */
export async function issueSignInLink(email: string, lang: Lang, next?: string): Promise<string> {
  const token = newSecretToken();
  const now = nowMs();
  const db = getDb();
  await serializeWrites(() => db.insert(loginTokens).values({ tokenHash: hashToken(token), email, lang, createdAt: now, expiresAt: now + SIGN_IN_TTL_MS }));
  // Expired tokens are worthless; sweep now and then rather than on every sign-in.
  if (Math.random() < 0.05) {
    void serializeWrites(() => db.delete(loginTokens).where(lt(loginTokens.expiresAt, now - 86_400_000))).catch(() => undefined);
  }
  // `next` rides in the link (it is only a path of this site, checked again when used).
  const back = next ? `&next=${encodeURIComponent(next)}` : '';
  return `${getEnv().SITE_URL}${localizedPath(lang, '/login/verify')}?token=${token}${back}`;
}

async function sendSignInLink(email: string, lang: Lang, next: string | undefined): Promise<void> {
  const site = getSite();
  const signInUrl = await issueSignInLink(email, lang, next);
  const rendered = await renderSignInEmail({ lang, siteTitle: site.title, authorName: site.author.name, signInUrl, validMinutes: SIGN_IN_TTL_MS / 60_000 });
  await sendEmail({ to: email, ...rendered, tags: [{ name: 'category', value: 'sign-in' }] });
}

/**
 * POST /login. The answer depends only on the form and the network's rate: who the address is
 * (may it sign in, has it had its emails for now) is decided in `defer`, which the route runs after
 * the answer is written, so the answer takes the same time for every address. Without `defer`
 * (tests, scripts) that work is awaited here.
 */
export async function requestSignIn(input: { email: unknown; lang: Lang; ip: string; maySignIn: (email: string) => Promise<boolean>; next?: unknown }, defer?: Defer): Promise<SignInRequest> {
  const email = normalizeEmail(input.email);
  if (!email) return { ok: false, status: 400, field: 'email' };
  if (!(await allow(`login-ip:${input.ip}`, IP_LIMIT, WINDOW_MS))) return { ok: false, status: 429 };
  const work = async () => {
    try {
      if (!(await input.maySignIn(email))) return log.info('signin.request', { outcome: 'nobody-to-sign-in' });
      // Past the schedule the visitor still sees the usual answer: "too many" would tell them the
      // address is in use.
      const claim = await claimAddressSend('sign-in', email, SIGN_IN_SCHEDULE);
      if (claim === undefined) return log.info('signin.request', { outcome: 'capped' });
      try {
        await sendSignInLink(email, input.lang, safeReturnPath(input.next));
        log.info('signin.request', { outcome: 'link-sent' });
      } catch (err) {
        // A send that failed does not spend the buyer's turn: asking again sends the link.
        await releaseAddressSend(claim);
        throw err;
      }
    } catch (err) {
      log.error('signin.email', { message: `not sent: ${describeError(err)}` });
    }
  };
  if (defer) defer(work);
  else await work();
  return { ok: true };
}

export type TokenState = { state: 'valid' | 'expired' | 'used'; email: string; lang: Lang } | { state: 'invalid' };

/** What a sign-in link is, without using it (the GET page). */
export async function inspectSignInToken(token: unknown): Promise<TokenState> {
  if (!isWellFormedToken(token)) return { state: 'invalid' };
  const row = await getDb().query.loginTokens.findFirst({ where: eq(loginTokens.tokenHash, hashToken(token)) });
  if (!row) return { state: 'invalid' };
  const base = { email: row.email, lang: toLang(row.lang, getSite()) };
  if (row.usedAt !== null) return { state: 'used', ...base };
  if (row.expiresAt <= nowMs()) return { state: 'expired', ...base };
  return { state: 'valid', ...base };
}

/** Uses a sign-in token: one statement, so two clicks racing cannot both sign in. */
export async function redeemSignInToken(token: unknown, ip: string): Promise<{ email: string; lang: Lang } | undefined> {
  if (!(await allow(`login-verify-ip:${ip}`, 30, WINDOW_MS))) return undefined;
  if (!isWellFormedToken(token)) return undefined;
  const now = nowMs();
  const [row] = await serializeWrites(() =>
    getDb()
      .update(loginTokens)
      .set({ usedAt: now })
      .where(and(eq(loginTokens.tokenHash, hashToken(token)), isNull(loginTokens.usedAt), gt(loginTokens.expiresAt, now)))
      .returning({ email: loginTokens.email, lang: loginTokens.lang }),
  );
  log.info('signin.redeem', { outcome: row ? 'signed-in' : 'refused' });
  return row ? { email: row.email, lang: toLang(row.lang, getSite()) } : undefined;
}
