import { and, eq, isNull, lt, or } from 'drizzle-orm';
import { nowMs } from '../core/clock.ts';
import { getDb } from '../core/db/client.server.ts';
import { sends } from '../core/db/schema.ts';

/**
 * How long a send may sit with nobody holding its lease before /healthz calls it stuck: a live
 * scheduler takes an expired or released lease at its next tick (30 s), so two minutes without
 * one means no scheduler runs (DRUMBEAT_SCHEDULER=off and no worker) or every one fails.
 */
export const STUCK_AFTER_MS = 120_000;

export interface StuckSend {
  id: number;
  note: number;
  lang: string;
  sent: number;
  recipients: number;
  /** when its lease ran out (or the send began, if it never had one), ISO */
  since: string;
}

/** Sends still "sending" whose lease ran out more than STUCK_AFTER_MS ago (paused ones are the author's call). */
export async function stuckSends(): Promise<StuckSend[]> {
  const limit = nowMs() - STUCK_AFTER_MS;
  const rows = await getDb()
    .select({ id: sends.id, note: sends.noteNumber, lang: sends.lang, sent: sends.sent, recipients: sends.recipients, expires: sends.leaseExpiresAt, started: sends.startedAt })
    .from(sends)
    .where(and(eq(sends.state, 'sending'), or(lt(sends.leaseExpiresAt, limit), and(isNull(sends.leaseExpiresAt), lt(sends.startedAt, limit)))));
  return rows.map(({ expires, started, ...r }) => ({ ...r, since: new Date(expires ?? started).toISOString() }));
}
