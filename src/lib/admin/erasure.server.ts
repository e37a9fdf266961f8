import { inArray, sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { getDb, serializeWrites } from '../core/db/client.server.ts';
import { certificates, erasedAddresses, lessonProgress, loginTokens, purchases, sendRecipients, sends, sessions, subscribeRequests, subscribers } from '../core/db/schema.ts';
import { getEnv } from '../core/env.server.ts';
import { addressForms, dropPendingRecipients, ERASED_EMAIL, erasedAddressHash } from '../newsletter/erasure.server.ts';

// Erasure at the person's request (GDPR art. 17), the same code for the dashboard and
// `drumbeat subscribers erase`: see docs/decisions/019 for what goes, what stays and why.

export interface KeptPurchase {
  id: number;
  productId: string;
  source: 'stripe' | 'grant';
  /** what finds the payment in Stripe for the invoice (the Checkout Session, else the PaymentIntent) */
  stripeId: string | null;
}

export interface ErasureReport {
  /** nothing of the address was found anywhere (the hash is written all the same) */
  nothingFound: boolean;
  removed: {
    subscriber: boolean;
    /** emails already sent or failed: the row stays for the send's figures, the address is replaced */
    ledgerRows: number;
    /** emails not yet sent: taken out of their send */
    pendingLedgerRows: number;
    subscribeRequests: number;
    sessions: number;
    signInLinks: number;
    /** certificates (their pages then answer "no such certificate") and directory listings */
    certificates: number;
    lessonProgress: number;
  };
  kept: {
    /** the keyed hash in erased_addresses, so an import skips the address */
    hash: true;
    /** the purchase rows, the address replaced by the marker, kept for the invoice (access ends with the address) */
    purchases: KeptPurchase[];
  };
  /** the file was rewritten and its write-ahead log emptied, so no old copy of the address is left on disk */
  diskCleared: boolean;
}

const isFile = () => getEnv().DATABASE_URL.startsWith('file:');

/** Replaces the address wherever it is quoted in a free-text column (a provider's error message). */
const scrub = (column: SQLiteColumn, emails: string[]): SQL => emails.reduce((acc, e) => sql`replace(${acc}, ${e}, ${ERASED_EMAIL})`, sql`${column}`);

/**
 * Removes the address from every table that holds it, in one transaction: nothing is left half
 * erased. Deleted content is overwritten with zeros (secure_delete) and, on a database file, the
 * file is vacuumed and its write-ahead log truncated afterwards, so the bytes are gone from disk too.
 */
export async function eraseAddress(raw: string, now: number): Promise<ErasureReport> {
  const emails = addressForms(raw);
  const db = getDb();
  const report = await serializeWrites(() =>
    db.transaction(
      async (tx) => {
        if (isFile()) await tx.run(sql`PRAGMA secure_delete = ON`);
        const who = await tx.select({ id: subscribers.id }).from(subscribers).where(inArray(subscribers.email, emails));
        const ids = who.map((w) => w.id);
        // The ledger by subscriber (its index): every row of theirs was frozen from their subscriber row.
        const pendingLedgerRows = await dropPendingRecipients(tx, ids);
        const ledger = ids.length
          ? await tx.update(sendRecipients).set({ email: ERASED_EMAIL, error: scrub(sendRecipients.error, emails) }).where(inArray(sendRecipients.subscriberId, ids))
          : { rowsAffected: 0 };
        await tx.update(sends).set({ lastError: scrub(sends.lastError, emails) }).where(sql`${sql.join(emails.map((e) => sql`instr(${sends.lastError}, ${e}) > 0`), sql` OR `)}`);
        const requests = await tx.delete(subscribeRequests).where(inArray(subscribeRequests.email, emails));
        const signedIn = await tx.delete(sessions).where(inArray(sessions.email, emails));
        const links = await tx.delete(loginTokens).where(inArray(loginTokens.email, emails));
        // A certificate is the person's name with their address: it goes, and its link with it.
        const certs = await tx.delete(certificates).where(inArray(certificates.email, emails));
        const progress = await tx.delete(lessonProgress).where(inArray(lessonProgress.email, emails));
        // Access is by address: with the address gone it ends. A paid purchase becomes revoked (the
        // money was kept: it still counts as revenue); a receipt not yet sent never will be.
        const kept = await tx
          .update(purchases)
          .set({
            email: ERASED_EMAIL,
            status: sql`CASE WHEN ${purchases.status} IN ('paid', 'granted') THEN 'revoked' ELSE ${purchases.status} END`,
            statusReason: sql`CASE WHEN ${purchases.status} IN ('paid', 'granted') THEN 'erased at the buyer''s request' ELSE ${scrub(purchases.statusReason, emails)} END`,
            receiptError: sql`CASE WHEN ${purchases.receiptSentAt} IS NULL THEN COALESCE(${purchases.receiptError}, 'erased at the buyer''s request') ELSE ${purchases.receiptError} END`,
            updatedAt: now,
          })
          .where(inArray(purchases.email, emails))
          .returning({ id: purchases.id, productId: purchases.productId, source: purchases.source, session: purchases.checkoutSessionId, intent: purchases.paymentIntentId });
        if (who.length > 0) {
          await tx.delete(subscribers).where(inArray(subscribers.id, ids));
          // The trigram index marks deleted rows and drops them at its next merge: merge now, so no
          // trigram of the address is left in it.
          await tx.run(sql`INSERT INTO subscribers_search(subscribers_search) VALUES ('optimize')`);
        }
        await tx.insert(erasedAddresses).values({ addressHash: erasedAddressHash(raw), erasedAt: now }).onConflictDoNothing();
        const removed = {
          subscriber: who.length > 0,
          ledgerRows: ledger.rowsAffected,
          pendingLedgerRows,
          subscribeRequests: requests.rowsAffected,
          sessions: signedIn.rowsAffected,
          signInLinks: links.rowsAffected,
          certificates: certs.rowsAffected,
          lessonProgress: progress.rowsAffected,
        };
        return {
          nothingFound: Object.values(removed).every((v) => !v) && kept.length === 0,
          removed,
          kept: { hash: true as const, purchases: kept.map((p) => ({ id: p.id, productId: p.productId, source: p.source, stripeId: p.session ?? p.intent })) },
        };
      },
      { behavior: 'immediate' },
    ),
  );
  return { ...report, diskCleared: await cleanDisk() };
}

/**
 * Rewrites the database file without the free space where older versions of the person's rows
 * may linger (every update of a row leaves its old copy in the page until the space is reused;
 * secure_delete zeroes only what this transaction frees), then empties the write-ahead log.
 * False if another connection kept either from finishing: the erasure itself is done all the same.
 */
async function cleanDisk(): Promise<boolean> {
  if (!isFile()) return true;
  const db = getDb();
  try {
    await serializeWrites(() => db.run(sql`VACUUM`));
    const [row] = await serializeWrites(() => db.all<{ busy: number }>(sql`PRAGMA wal_checkpoint(TRUNCATE)`));
    return row?.busy === 0;
  } catch {
    return false;
  }
}
