import { nowMs } from '../clock.ts';
import { getDb, serializeWrites } from '../db/client.server.ts';

/**
 * Fixed-window counter kept in the database, so every process (web server, worker, CLI) shares
 * it. Returns whether this hit is within `limit` per `windowMs`.
 */
export async function allow(name: string, limit: number, windowMs: number): Promise<boolean> {
  const now = nowMs();
  const windowStart = Math.floor(now / windowMs) * windowMs;
  const key = `${name}@${windowStart}`;
  const db = getDb();
  const result = await serializeWrites(() =>
    db.$client.execute({
      sql: `INSERT INTO rate_limits (key, window_start, count) VALUES (?, ?, 1)
            ON CONFLICT(key) DO UPDATE SET count = count + 1 RETURNING count`,
      args: [key, windowStart],
    }),
  );
  // Old windows are useless; sweep now and then rather than on every hit.
  if (Math.random() < 0.01) {
    await serializeWrites(() => db.$client.execute({ sql: 'DELETE FROM rate_limits WHERE window_start < ?', args: [now - 86_400_000] }));
  }
  return Number(result.rows[0]?.count ?? 1) <= limit;
}
