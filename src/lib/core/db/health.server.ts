import { sql } from 'drizzle-orm';
import { nowMs } from '../clock.ts';
import { getDb, serializeWrites } from './client.server.ts';

/**
 * Whether the database takes a write, for /healthz: a read-only or full disk still answers
 * SELECT 1 while every subscribe, sign-in and checkout fails. One committed row, rewritten in
 * place (the rate-limit table's own key space, swept like any other counter if it ever goes stale),
 * so a load balancer polling every few seconds costs one tiny write each time.
 */
export async function databaseWrites(): Promise<boolean> {
  try {
    const at = nowMs();
    await serializeWrites(() =>
      getDb().run(sql`INSERT INTO rate_limits (key, window_start, count) VALUES ('healthz:write-check', ${at}, 1)
        ON CONFLICT (key) DO UPDATE SET window_start = excluded.window_start`),
    );
    return true;
  } catch {
    return false;
  }
}
