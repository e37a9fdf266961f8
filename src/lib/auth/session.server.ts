import type { AstroCookies } from 'astro';
import { eq, lt } from 'drizzle-orm';
import { nowMs } from '../core/clock.ts';
import { getDb, serializeWrites } from '../core/db/client.server.ts';
import { sessions } from '../core/db/schema.ts';
import { getEnv } from '../core/env.server.ts';
import { hashToken, isWellFormedToken, newSecretToken, SESSION_TTL_MS } from './tokens.ts';

// Browser sessions: the cookie holds a random id, the database its hash and the address. Nothing
// about access lives in the cookie; every request asks the purchases table.

import { SESSION_COOKIE } from './session-cookie.ts';

export interface Buyer {
  email: string;
}

function cookieOptions() {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: getEnv().NODE_ENV === 'production' || getEnv().SITE_URL.startsWith('https:'),
    maxAge: SESSION_TTL_MS / 1000,
  };
}

/** The session id the browser sent, unchecked (the access query checks it with the purchases). */
export function sessionToken(cookies: AstroCookies): string | undefined {
  return cookies.get(SESSION_COOKIE)?.value;
}

/** The signed-in buyer, if the cookie names a live session. A tampered cookie is simply nobody. */
export async function currentBuyer(cookies: AstroCookies): Promise<Buyer | undefined> {
  const id = sessionToken(cookies);
  if (!isWellFormedToken(id)) return undefined;
  const row = await getDb().query.sessions.findFirst({ columns: { email: true, expiresAt: true }, where: eq(sessions.idHash, hashToken(id)) });
  if (!row || row.expiresAt <= nowMs()) return undefined;
  return { email: row.email };
}

/** Signs in: a new session id every time (the old one, if any, is ended), so ids never carry over. */
export async function startSession(cookies: AstroCookies, email: string): Promise<void> {
  const previous = sessionToken(cookies);
  const id = newSecretToken();
  const now = nowMs();
  const db = getDb();
  await serializeWrites(async () => {
    if (isWellFormedToken(previous)) await db.delete(sessions).where(eq(sessions.idHash, hashToken(previous)));
    await db.insert(sessions).values({ idHash: hashToken(id), email, createdAt: now, expiresAt: now + SESSION_TTL_MS });
    if (Math.random() < 0.05) await db.delete(sessions).where(lt(sessions.expiresAt, now));
  });
  cookies.set(SESSION_COOKIE, id, cookieOptions());
}

export async function endSession(cookies: AstroCookies): Promise<void> {
  const id = sessionToken(cookies);
  if (isWellFormedToken(id)) {
    await serializeWrites(() => getDb().delete(sessions).where(eq(sessions.idHash, hashToken(id))));
  }
  cookies.delete(SESSION_COOKIE, { path: '/' });
}
