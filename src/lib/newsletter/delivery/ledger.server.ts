import { and, asc, eq, gt, inArray, isNull, lt, notInArray, or, sql } from 'drizzle-orm';
import { nowMs } from '../../core/clock.ts';
import { getDb, serializeWrites } from '../../core/db/client.server.ts';
import { sendRecipients, sends, subscribers } from '../../core/db/schema.ts';
import { getEnv } from '../../core/env.server.ts';
import { getSite } from '../../core/site.server.ts';
import type { SendPlan } from '../plan.ts';

// The send and its ledger in the database (see docs/decisions/005): a send row per Note and
// subscriber language, leased by the process delivering it; its recipients frozen into
// send_recipients in one transaction; each batch's rows marked sent (or failed) in one transaction.

export const BATCH_SIZE = 100;

export interface Recipient {
  id: number;
  email: string;
}

export interface Batch {
  number: number;
  recipients: Recipient[];
}

/** The send for a plan, created on first use; a Note goes out at most once per language. */
export async function ensureSend(plan: SendPlan): Promise<number> {
  const db = getDb();
  await serializeWrites(() =>
    db.insert(sends).values({ noteNumber: plan.noteNumber, lang: plan.lang, noteLang: plan.noteLang, state: 'sending', startedAt: nowMs() }).onConflictDoNothing(),
  );
  const row = await db.query.sends.findFirst({ columns: { id: true }, where: and(eq(sends.noteNumber, plan.noteNumber), eq(sends.lang, plan.lang)) });
  return row!.id;
}

/** Takes (or renews) the send's lease; false if another live process holds it or it is done. */
export async function claimSend(sendId: number, owner: string): Promise<boolean> {
  const now = nowMs();
  const r = await serializeWrites(() =>
    getDb()
      .update(sends)
      .set({ leaseOwner: owner, leaseExpiresAt: now + getEnv().DRUMBEAT_SEND_LEASE_MS })
      .where(and(eq(sends.id, sendId), eq(sends.state, 'sending'), or(isNull(sends.leaseOwner), eq(sends.leaseOwner, owner), lt(sends.leaseExpiresAt, now)))),
  );
  return r.rowsAffected === 1;
}

/** Lets go of the lease, so the next scheduler tick can resume the send. */
export async function releaseSend(sendId: number, owner: string): Promise<void> {
  await serializeWrites(() => getDb().update(sends).set({ leaseOwner: null }).where(and(eq(sends.id, sendId), eq(sends.leaseOwner, owner))));
}

/**
 * Freezes the active subscribers of the plan's language into the ledger, numbered into batches,
 * once: the INSERT … SELECT and frozen_at are one transaction. Who joins later is not added; who
 * leaves is still in it (the link in that email still works).
 */
export async function freezeRecipients(sendId: number, lang: string): Promise<void> {
  const site = getSite();
  // Subscribers whose language the site no longer offers read the default language.
  const others = site.languages.filter((l) => l !== site.defaultLanguage);
  const inLanguage = lang === site.defaultLanguage ? or(eq(subscribers.lang, lang), notInArray(subscribers.lang, others)) : eq(subscribers.lang, lang);
  await serializeWrites(() =>
    getDb().transaction(async (tx) => {
      const send = await tx.query.sends.findFirst({ columns: { frozenAt: true }, where: eq(sends.id, sendId) });
      if (send?.frozenAt !== null) return;
      // Raw SQL where it earns its place: one statement numbers and copies every recipient.
      await tx.run(sql`
        INSERT INTO ${sendRecipients} (send_id, subscriber_id, email, batch)
        SELECT ${sendId}, ${subscribers.id}, ${subscribers.email}, (ROW_NUMBER() OVER (ORDER BY ${subscribers.id}) - 1) / ${sql.raw(String(BATCH_SIZE))}
        FROM ${subscribers} WHERE ${subscribers.status} = 'active' AND ${inLanguage}`);
      await tx
        .update(sends)
        // A send paused before it started (holdSend) starts now, not when it was held.
        .set({ frozenAt: nowMs(), startedAt: nowMs(), recipients: sql`(SELECT COUNT(*) FROM ${sendRecipients} WHERE ${sendRecipients.sendId} = ${sendId})` })
        .where(eq(sends.id, sendId));
    }, { behavior: 'immediate' }),
  );
}

/** The pending batch after `after` (batches go out in order), or undefined when none is left. */
export async function nextPendingBatch(sendId: number, after: number): Promise<Batch | undefined> {
  const db = getDb();
  const pending = and(eq(sendRecipients.sendId, sendId), eq(sendRecipients.state, 'pending'));
  // The first in index order, not min(): SQLite reads until the first pending row, not all after it.
  const [first] = await db.select({ batch: sendRecipients.batch }).from(sendRecipients).where(and(pending, gt(sendRecipients.batch, after))).orderBy(asc(sendRecipients.batch)).limit(1);
  if (first === undefined) return undefined;
  const rows = await db
    .select({ id: sendRecipients.subscriberId, email: sendRecipients.email })
    .from(sendRecipients)
    .where(and(pending, eq(sendRecipients.batch, first.batch)));
  return rows.length > 0 ? { number: first.batch, recipients: rows } : undefined;
}

export interface Member extends Recipient {
  state: 'pending' | 'sent' | 'failed';
}

// Every query of one batch names the send and the batch, the first columns of
// send_recipients_send_batch, so it reads that batch's rows and no others. Without the batch, SQLite
// walked every pending row of the send for each batch (all 100,000 of them at the start), and a
// send's time grew with the square of its list (docs/decisions/041).

/** Everyone frozen into one batch, whatever their state, in subscriber order: how a refused batch is split. */
export async function batchMembers(sendId: number, batch: number): Promise<Member[]> {
  const rows = await getDb()
    .select({ id: sendRecipients.subscriberId, email: sendRecipients.email, state: sendRecipients.state })
    .from(sendRecipients)
    .where(and(eq(sendRecipients.sendId, sendId), eq(sendRecipients.batch, batch)));
  // Sorted here: asked of SQLite, the order made it walk the send's whole primary key instead.
  return rows.sort((a, b) => a.id - b.id);
}

/** These recipients' rows of one batch, while still pending. */
function pendingOfBatch(sendId: number, batch: number, recipients: Recipient[]) {
  return and(eq(sendRecipients.sendId, sendId), eq(sendRecipients.state, 'pending'), eq(sendRecipients.batch, batch), inArray(sendRecipients.subscriberId, recipients.map((r) => r.id)));
}

/** One transaction: the batch's rows become sent (with Resend's ids) and the counter moves by as many. */
export function markBatchSent(sendId: number, batch: number, recipients: Recipient[], providerIds: string[]): Promise<void> {
  const now = nowMs();
  return serializeWrites(() =>
    getDb().transaction(async (tx) => {
      const ids = sql.join(recipients.map((r, i) => sql`WHEN ${r.id} THEN ${providerIds[i] ?? null}`), sql` `);
      const updated = await tx
        .update(sendRecipients)
        .set({ state: 'sent', sentAt: now, providerId: sql`CASE ${sendRecipients.subscriberId} ${ids} END` })
        .where(pendingOfBatch(sendId, batch, recipients));
      await tx.update(sends).set({ sent: sql`${sends.sent} + ${updated.rowsAffected}`, lastError: null }).where(eq(sends.id, sendId));
    }, { behavior: 'immediate' }),
  );
}

/** A permanent refusal of these recipients (Resend refused their address): failed with the reason, in one transaction. */
export function markRecipientsFailed(sendId: number, batch: number, recipients: Recipient[], error: string): Promise<void> {
  return serializeWrites(() =>
    getDb().transaction(async (tx) => {
      const failed = await tx
        .update(sendRecipients)
        .set({ state: 'failed', error })
        .where(pendingOfBatch(sendId, batch, recipients));
      await tx.update(sends).set({ failed: sql`${sends.failed} + ${failed.rowsAffected}`, lastError: error }).where(eq(sends.id, sendId));
    }, { behavior: 'immediate' }),
  );
}

/** What stopped progress for a while (rate limits, outages), for `newsletter status`. */
export async function noteSendError(sendId: number, error: string): Promise<void> {
  await serializeWrites(() => getDb().update(sends).set({ lastError: error }).where(eq(sends.id, sendId)));
}

export async function lastSendError(sendId: number): Promise<string | null> {
  const row = await getDb().query.sends.findFirst({ columns: { lastError: true }, where: eq(sends.id, sendId) });
  return row?.lastError ?? null;
}

export interface SendCounts {
  recipients: number;
  sent: number;
  failed: number;
}

export async function sendCounts(sendId: number): Promise<SendCounts> {
  const row = await getDb().query.sends.findFirst({ columns: { recipients: true, sent: true, failed: true }, where: eq(sends.id, sendId) });
  return row!;
}

/** The send is done: the counters are recounted from the ledger, the lease let go. */
export async function finishSend(sendId: number, owner: string): Promise<SendCounts> {
  const count = (state: 'sent' | 'failed') => sql<number>`(SELECT COUNT(*) FROM ${sendRecipients} WHERE ${sendRecipients.sendId} = ${sendId} AND ${sendRecipients.state} = ${state})`;
  await serializeWrites(() =>
    getDb()
      .update(sends)
      .set({ state: 'done', finishedAt: nowMs(), leaseOwner: null, leaseExpiresAt: null, sent: count('sent'), failed: count('failed') })
      .where(and(eq(sends.id, sendId), eq(sends.leaseOwner, owner))),
  );
  return sendCounts(sendId);
}
