import type { AstroCookies } from 'astro';
import { nowMs } from '../clock.ts';
import { getDb, serializeWrites } from '../db/client.server.ts';
import { getEnv } from '../env.server.ts';
import { hashToken, isWellFormedToken, newSecretToken, SESSION_COOKIE, SESSION_TTL_MS } from './login-tokens.ts';

// Browser sessions: the cookie holds a random id, the database its hash and the address. Nothing
// about access lives in the cookie; every request asks the purchases table.

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

/** The signed-in buyer, if the cookie names a live session. A tampered cookie is simply nobody. */
export async function currentBuyer(cookies: AstroCookies): Promise<Buyer | undefined> {
  const id = cookies.get(SESSION_COOKIE)?.value;
  if (!isWellFormedToken(id)) return undefined;
  const rows = await getDb().$client.execute({ sql: 'SELECT email, expires_at FROM sessions WHERE id_hash = ?', args: [hashToken(id)] });
  const row = rows.rows[0];
  if (!row || Number(row.expires_at) <= nowMs()) return undefined;
  return { email: String(row.email) };
}

/** Signs in: a new session id every time (the old one, if any, is ended), so ids never carry over. */
export async function startSession(cookies: AstroCookies, email: string): Promise<void> {
  const previous = cookies.get(SESSION_COOKIE)?.value;
  const id = newSecretToken();
  const now = nowMs();
  await serializeWrites(async () => {
    const db = getDb().$client;
    if (isWellFormedToken(previous)) await db.execute({ sql: 'DELETE FROM sessions WHERE id_hash = ?', args: [hashToken(previous)] });
    await db.execute({ sql: 'INSERT INTO sessions (id_hash, email, created_at, expires_at) VALUES (?, ?, ?, ?)', args: [hashToken(id), email, now, now + SESSION_TTL_MS] });
    if (Math.random() < 0.05) await db.execute({ sql: 'DELETE FROM sessions WHERE expires_at < ?', args: [now] });
  });
  cookies.set(SESSION_COOKIE, id, cookieOptions());
}

export async function endSession(cookies: AstroCookies): Promise<void> {
  const id = cookies.get(SESSION_COOKIE)?.value;
  if (isWellFormedToken(id)) {
    await serializeWrites(() => getDb().$client.execute({ sql: 'DELETE FROM sessions WHERE id_hash = ?', args: [hashToken(id)] }));
  }
  cookies.delete(SESSION_COOKIE, { path: '/' });
}
