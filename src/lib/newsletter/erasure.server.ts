import { createHmac } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../core/db/client.server.ts';
import { erasedAddresses, sendRecipients, sends, subscribers, type SubscriberStatus } from '../core/db/schema.ts';
import { normalizeEmail } from '../core/email-address.ts';
import { appSecret } from '../core/secret.server.ts';

// What the newsletter keeps of an erased address (docs/decisions/019): its HMAC under the
// installation's secret, so an import can recognise it without anyone being able to read it.

/** Written where an address was and the row must stay (the ledger, purchases): no '@', so it is never mailed nor signed in as. */
export const ERASED_EMAIL = 'erased';

type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

/** The spellings an address may be stored under: our rule's form and the address as written, lowercased. */
export function addressForms(raw: string): string[] {
  return [...new Set([raw.trim().toLowerCase(), normalizeEmail(raw)].filter((e): e is string => Boolean(e)))];
}

/** The keyed hash an erased address is remembered by; the same for every spelling our rule accepts. */
export function erasedAddressHash(email: string): string {
  return createHmac('sha256', appSecret()).update(`erased\n${normalizeEmail(email) ?? email.trim().toLowerCase()}`).digest('base64url');
}

/** Which of these addresses were erased here (one query, whatever their number). */
export async function erasedAmong(db: Pick<Tx, 'select'>, emails: readonly string[]): Promise<Set<string>> {
  if (emails.length === 0) return new Set();
  const byHash = new Map(emails.map((e) => [erasedAddressHash(e), e]));
  const rows = await db
    .select({ hash: erasedAddresses.addressHash })
    .from(erasedAddresses)
    .where(sql`${erasedAddresses.addressHash} IN (SELECT value FROM json_each(${JSON.stringify([...byHash.keys()])}))`);
  return new Set(rows.map((r) => byHash.get(r.hash)!));
}

/**
 * Takes a subscriber out of every send that has not reached them yet: their pending ledger rows
 * go, and each send's recipient count with them (sent + failed + pending still adds up). Part of
 * the caller's transaction: suppression and erasure.
 */
export async function dropPendingRecipients(tx: Tx, subscriberIds: number[]): Promise<number> {
  if (subscriberIds.length === 0) return 0;
  const mine = inArray(sendRecipients.subscriberId, subscriberIds);
  const pending = and(mine, eq(sendRecipients.state, 'pending'));
  await tx
    .update(sends)
    .set({ recipients: sql`${sends.recipients} - (SELECT count(*) FROM ${sendRecipients} WHERE ${sendRecipients.sendId} = ${sends.id} AND ${pending})` })
    .where(sql`${sends.id} IN (SELECT ${sendRecipients.sendId} FROM ${sendRecipients} WHERE ${pending})`);
  const dropped = await tx.delete(sendRecipients).where(pending);
  return dropped.rowsAffected;
}

export type SuppressOutcome = 'suppressed' | 'unsuppressed' | 'already' | 'not-suppressed' | 'provider-suppressed' | 'not-found';

/** Statuses the author may suppress; bounced and complained are suppressed by the provider already. */
const SUPPRESSIBLE: SubscriberStatus[] = ['pending', 'active', 'unsubscribed'];

/**
 * The author stops every email to the address: status `suppressed` (every send, confirmation and
 * welcome reads the status), remembering the status to give back, and out of any send under way.
 */
export async function suppress(tx: Tx, id: number, now: number): Promise<SuppressOutcome> {
  const [row] = await tx.select({ status: subscribers.status }).from(subscribers).where(eq(subscribers.id, id));
  if (!row) return 'not-found';
  if (row.status === 'suppressed') return 'already';
  if (!SUPPRESSIBLE.includes(row.status)) return 'provider-suppressed';
  await tx
    .update(subscribers)
    .set({ status: 'suppressed', suppressedFrom: row.status, statusReason: 'suppressed by the author', updatedAt: now })
    .where(and(eq(subscribers.id, id), eq(subscribers.status, row.status)));
  await dropPendingRecipients(tx, [id]);
  return 'suppressed';
}

/** Lifts the author's suppression: the status before it comes back (a row imported suppressed: active if it was ever confirmed). */
export async function unsuppress(tx: Tx, id: number, now: number): Promise<SuppressOutcome> {
  const [row] = await tx.select({ status: subscribers.status, from: subscribers.suppressedFrom, confirmedAt: subscribers.confirmedAt }).from(subscribers).where(eq(subscribers.id, id));
  if (!row) return 'not-found';
  if (row.status !== 'suppressed') return 'not-suppressed';
  const back = row.from ?? (row.confirmedAt !== null ? 'active' : 'pending');
  await tx.update(subscribers).set({ status: back, suppressedFrom: null, statusReason: null, updatedAt: now }).where(and(eq(subscribers.id, id), eq(subscribers.status, 'suppressed')));
  return 'unsuppressed';
}
