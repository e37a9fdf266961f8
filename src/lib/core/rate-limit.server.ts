import { lt, sql } from 'drizzle-orm';
import { nowMs } from './clock.ts';
import { getDb, serializeWrites } from './db/client.server.ts';
import { rateLimits } from './db/schema.ts';

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
