import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { and, eq, gt, like } from 'drizzle-orm';
import { nowMs } from '../clock.ts';
import { getDb, serializeWrites } from './client.server.ts';
import { rateLimits } from './schema.ts';

// Which long-running processes (web servers, workers) use this database right now, so that
// `drumbeat db restore` can refuse to swap the file under them (docs/decisions/022). Each one
// rewrites a row of its own every few seconds and deletes it when it stops; a row not rewritten
// for PRESENCE_STALE_MS belongs to a process that died. The rows live in the rate-limit table's
// key space (like /healthz's write check), swept with its stale counters after a day.

export const PRESENCE_INTERVAL_MS = 5_000;
export const PRESENCE_STALE_MS = 20_000;
const PREFIX = 'process:';

export interface Presence {
  kind: string;
  host: string;
  pid: number;
  seenAt: number;
}

async function beat(key: string): Promise<void> {
  const at = nowMs();
  await serializeWrites(() =>
    getDb()
      .insert(rateLimits)
      .values({ key, windowStart: at, count: 1 })
      .onConflictDoUpdate({ target: rateLimits.key, set: { windowStart: at } }),
  );
}

/** Announces this process until `stop()`; the first row is written before this resolves. */
export async function announcePresence(kind: 'server' | 'worker'): Promise<{ stop(): Promise<void> }> {
  const key = `${PREFIX}${kind}:${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  await beat(key);
  let beating: Promise<void> | undefined;
  const timer = setInterval(() => {
    // A missed beat (a busy database) is retried at the next one; the stale limit allows several.
    beating ??= beat(key)
      .catch(() => undefined)
      .finally(() => (beating = undefined));
  }, PRESENCE_INTERVAL_MS);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await beating;
      await serializeWrites(() => getDb().delete(rateLimits).where(eq(rateLimits.key, key))).catch(() => undefined);
    },
  };
}

/** The processes that announced themselves within the stale limit. */
export async function livePresences(): Promise<Presence[]> {
  const rows = await getDb()
    .select({ key: rateLimits.key, seenAt: rateLimits.windowStart })
    .from(rateLimits)
    .where(and(like(rateLimits.key, `${PREFIX}%`), gt(rateLimits.windowStart, nowMs() - PRESENCE_STALE_MS)));
  return rows.map(({ key, seenAt }) => {
    const [kind = '?', host = '?', pid = '0'] = key.slice(PREFIX.length).split(':');
    return { kind, host, pid: Number(pid), seenAt };
  });
}
