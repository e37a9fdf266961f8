import { and, eq, sql } from 'drizzle-orm';
import { getDb, serializeWrites } from '../../core/db/client.server.ts';
import { appSettings } from '../../core/db/schema.ts';
import type { Timeline } from './pacer.ts';

// Resend counts requests per account, not per send or per process: two processes that each took
// one language's send of a Note would together go twice as fast as allowed. The account's next
// free moment therefore lives in the database every process shares, and each request takes its
// turn there with one atomic write (a handful per second at Resend's rates).

const NEXT_REQUEST_AT = 'resend.next_request_at';

/** The stored moment, or `moment` if that is later, plus `after` ms: one expression for both writes. */
const laterOf = (moment: number, after = 0) => sql`CAST(MAX(CAST(${appSettings.value} AS INTEGER), ${moment}) + ${after} AS TEXT)`;

export const accountTimeline: Timeline = {
  async reserve(now, intervalMs) {
    const interval = Math.ceil(intervalMs);
    const [row] = await serializeWrites(() =>
      getDb()
        .insert(appSettings)
        .values({ key: NEXT_REQUEST_AT, value: String(now + interval) })
        .onConflictDoUpdate({ target: appSettings.key, set: { value: laterOf(now, interval) } })
        .returning({ value: appSettings.value }),
    );
    return Number(row!.value) - interval;
  },
  async postpone(at, now, intervalMs) {
    const interval = Math.ceil(intervalMs);
    let moment = 0;
    // Compare and set, while the stored moment is still the one our reservation left there
    // (compared as numbers: libSQL binds JS numbers as reals, and the text may read "…123.0").
    // The clock is read when the write's turn comes: the new moment is when the request leaves.
    const r = await serializeWrites(() => {
      moment = Math.ceil(now());
      return getDb()
        .update(appSettings)
        .set({ value: String(moment + interval) })
        .where(and(eq(appSettings.key, NEXT_REQUEST_AT), sql`CAST(${appSettings.value} AS INTEGER) = ${Math.ceil(at) + interval}`));
    });
    return r.rowsAffected === 1 ? moment : undefined;
  },
  async holdUntil(until) {
    const moment = Math.ceil(until);
    await serializeWrites(() =>
      getDb()
        .insert(appSettings)
        .values({ key: NEXT_REQUEST_AT, value: String(moment) })
        .onConflictDoUpdate({ target: appSettings.key, set: { value: laterOf(moment) } }),
    );
  },
};
