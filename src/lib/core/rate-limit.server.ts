import { createHmac } from 'node:crypto';
import { eq, lt, sql } from 'drizzle-orm';
import { nowMs } from './clock.ts';
import { getDb, serializeWrites } from './db/client.server.ts';
import { addressSends, rateLimits } from './db/schema.ts';
import { appSecret } from './secret.server.ts';

/**
 * Fixed-window counter kept in the database, so every process (web servers, worker, CLI) shares
 * it. Returns whether this hit is within `limit` per `windowMs`.
 */
export async function allow(name: string, limit: number, windowMs: number): Promise<boolean> {
  const now = nowMs();
  const windowStart = Math.floor(now / windowMs) * windowMs;
  const db = getDb();
  const [row] = await serializeWrites(() =>
    db
      .insert(rateLimits)
      .values({ key: `${name}@${windowStart}`, windowStart, count: 1 })
      .onConflictDoUpdate({ target: rateLimits.key, set: { count: sql`${rateLimits.count} + 1` } })
      .returning({ count: rateLimits.count }),
  );
  // Old windows are useless; sweep now and then rather than on every hit.
  if (Math.random() < 0.01) {
    await serializeWrites(() => db.delete(rateLimits).where(lt(rateLimits.windowStart, now - 86_400_000)));
  }
  return (row?.count ?? 1) <= limit;
}

/**
 * How often one recipient may be mailed one kind of email: the first at once, then only after the
 * growing gaps (gapsMs[k-1] after the k-th of the last 24 hours; the last gap repeats), and never
 * more than perDay in any 24 hours. What a mail-bombing visitor gets is this, whatever IPs they use.
 */
export interface MailSchedule {
  gapsMs: readonly number[];
  perDay: number;
}

const DAY_MS = 86_400_000;

/** The address never stored as such: only its HMAC under the app's secret, per kind. */
function addressKey(kind: string, address: string): string {
  return createHmac('sha256', appSecret()).update(`${kind}\n${address}`).digest('base64url');
}

/**
 * Takes the right to send one email of `kind` to `address` now, or undefined when the schedule
 * says not yet. One INSERT … SELECT, so racing requests and processes cannot both take it. Give it
 * back with releaseAddressSend when the send fails, so a failure does not spend the visitor's turn.
 */
export async function claimAddressSend(kind: string, address: string, schedule: MailSchedule): Promise<number | undefined> {
  const now = nowMs();
  const key = addressKey(kind, address);
  const gaps = schedule.gapsMs.length ? schedule.gapsMs : [0];
  const gapAfter = sql.join(
    gaps.map((gap, i) => sql`WHEN ${i + 1} THEN ${gap}`),
    sql` `,
  );
  const db = getDb();
  const rows = await serializeWrites(() =>
    db.all<{ id: number }>(sql`
      INSERT INTO ${addressSends} (kind, address_hash, sent_at)
      SELECT ${kind}, ${key}, ${now}
      FROM (SELECT count(*) AS n, max(sent_at) AS last FROM ${addressSends}
            WHERE kind = ${kind} AND address_hash = ${key} AND sent_at > ${now - DAY_MS} AND sent_at <= ${now}) AS recent
      WHERE recent.n < ${schedule.perDay}
        AND (recent.n = 0 OR recent.last <= ${now} - (CASE recent.n ${gapAfter} ELSE ${gaps.at(-1)!} END))
      RETURNING id`),
  );
  if (Math.random() < 0.01) {
    await serializeWrites(() => db.delete(addressSends).where(lt(addressSends.sentAt, now - 2 * DAY_MS)));
  }
  return rows[0]?.id;
}

/** Gives back a claim whose email could not be sent. */
export async function releaseAddressSend(id: number): Promise<void> {
  await serializeWrites(() => getDb().delete(addressSends).where(eq(addressSends.id, id)));
}

/**
 * The network an address stands for, as an HMAC: an IPv4 address itself, an IPv6 address by its
 * /64 (one subscriber line gets a whole /64, so counting single IPv6 addresses counts nothing).
 */
export function networkKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  let network = mapped ? mapped[1]! : ip.toLowerCase();
  if (!mapped && network.includes(':')) {
    const [head = '', tail = ''] = network.split('::');
    const left = head ? head.split(':') : [];
    const right = tail ? tail.split(':') : [];
    const groups = network.includes('::') ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left;
    network = `${groups
      .slice(0, 4)
      .map((g) => g.replace(/^0+(?=.)/, ''))
      .join(':')}::/64`;
  }
  return createHmac('sha256', appSecret()).update(`network\n${network}`).digest('base64url');
}
