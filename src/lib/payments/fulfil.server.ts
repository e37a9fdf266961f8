import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import { accessUntilFor } from '../catalog/availability.ts';
import { getProduct } from '../catalog/products.server.ts';
import { nowMs } from '../core/clock.ts';
import { getDb, serializeWrites } from '../core/db/client.server.ts';
import { paymentRevocations, purchases, type PurchaseStatus } from '../core/db/schema.ts';
import { normalizeEmail } from '../core/email-address.ts';
import { getSite } from '../core/site.server.ts';
import { toLang } from '../../i18n/lang.ts';
import { purchaseBySession } from './purchases.server.ts';
import { ensureReceipt, notifyAuthor, sendReceipt } from './receipts.server.ts';
import { META, stripeId } from './stripe.server.ts';
import { logEvent } from '../core/log.server.ts';

// Fulfilment, keyed by the Checkout Session id. Every change is one conditional UPDATE whose
// RETURNING row says whether this call made it, so any number of duplicate, concurrent or
// reordered deliveries (webhook and success page alike) yield one purchase and one receipt.

export type FulfilOutcome = 'fulfilled' | 'already' | 'pending' | 'ignored' | 'revoked';

/**
 * The buyer's address as we store it. Stripe took the money from whoever typed it, so an address
 * our own rule refuses (`x@localhost`, a quoted local part, none at all) is kept as Stripe has it,
 * trimmed and lowercased, rather than losing the purchase: the receipt then records why it cannot
 * be sent and the author is told (receipts.server.ts). A control character becomes U+FFFD, never
 * nothing: dropping it could turn the address into somebody else's.
 */
function buyerEmail(raw: string | null | undefined): string {
  const lenient = (raw ?? '').trim().replace(/[\u0000-\u001f\u007f-\u009f]/g, '\uFFFD').toLowerCase();
  return normalizeEmail(lenient) ?? lenient;
}

/** Our product and cohort for a session, or undefined when the session is not ours. */
function ours(session: Stripe.Checkout.Session) {
  const productId = session.metadata?.[META.product];
  const product = productId ? getProduct(productId) : undefined;
  if (!product) return undefined;
  const cohortId = session.metadata?.[META.cohort];
  const cohort = cohortId ? product.cohorts.find((c) => c.id === cohortId) : undefined;
  if (product.kind === 'certification' && !cohort) return undefined;
  const lang = toLang(session.metadata?.[META.lang], getSite());
  const purchaseId = Number(session.metadata?.[META.purchase]);
  return { product, cohort, lang, purchaseId: Number.isSafeInteger(purchaseId) && purchaseId > 0 ? purchaseId : undefined };
}

/**
 * Applies a Checkout Session as Stripe reports it (from a webhook or retrieved on the success
 * page). Only a complete session changes anything; paid → access, unpaid (async) → pending.
 */
export async function fulfilCheckoutSession(session: Stripe.Checkout.Session): Promise<FulfilOutcome> {
  const mine = ours(session);
  if (!mine) return 'ignored';
  if (session.status !== 'complete') return session.status === 'expired' ? expireCheckoutSession(session) : 'pending';
  const email = buyerEmail(session.customer_details?.email ?? session.customer_email);
  const paid = session.payment_status === 'paid' || session.payment_status === 'no_payment_required';
  const paymentIntent = stripeId(session.payment_intent);
  const now = nowMs();
  const target: 'paid' | 'pending' = paid ? 'paid' : 'pending';
  const db = getDb();

  // The reservation made at checkout normally carries the session id; if the process died between
  // creating the session and saving its id, attach it now by the id in the metadata.
  if (mine.purchaseId) {
    await serializeWrites(() =>
      db
        .update(purchases)
        .set({ checkoutSessionId: session.id })
        .where(and(eq(purchases.id, mine.purchaseId!), isNull(purchases.checkoutSessionId), eq(purchases.productId, mine.product.id))),
    );
  }
  // A reservation that expired on our side still becomes the purchase: Stripe took the money.
  await serializeWrites(() =>
    db
      .insert(purchases)
      .values({ email, productId: mine.product.id, cohortId: mine.cohort?.id ?? null, lang: mine.lang, source: 'stripe', status: 'reserved', checkoutSessionId: session.id, createdAt: now, updatedAt: now })
      .onConflictDoNothing({ target: purchases.checkoutSessionId }),
  );
  const from: PurchaseStatus[] = target === 'pending' ? ['reserved', 'expired'] : ['reserved', 'expired', 'pending'];
  // A refund or dispute may have arrived first (Stripe does not promise order) and wins. It is
  // looked up inside the UPDATE, so one landing at the same moment cannot slip between check and write.
  const revoked = sql`(SELECT ${paymentRevocations.status} FROM ${paymentRevocations} WHERE ${paymentRevocations.paymentIntentId} = ${paymentIntent})`;
  const [row] = await serializeWrites(() =>
    db
      .update(purchases)
      .set({
        status: sql`COALESCE(${revoked}, ${target})`,
        email,
        paymentIntentId: paymentIntent,
        customerId: stripeId(session.customer),
        amount: session.amount_total ?? null,
        currency: session.currency ?? null,
        purchasedAt: sql`COALESCE(${purchases.purchasedAt}, ${now})`,
        accessUntil: accessUntilFor(mine.product, mine.cohort, now),
        reservedUntil: null,
        updatedAt: now,
      })
      .where(and(eq(purchases.checkoutSessionId, session.id), inArray(purchases.status, from)))
      .returning({ id: purchases.id, status: purchases.status }),
  );
  if (!row) {
    // Already applied; a receipt whose sending failed earlier goes out now.
    const existing = await purchaseBySession(session.id);
    if (existing?.status === 'paid' && existing.receiptSentAt === null) await ensureReceipt(existing.id);
    return 'already';
  }
  logEvent(row.status === 'paid' ? 'info' : 'warn', 'purchase', { purchase: row.id, product: mine.product.id, status: row.status, amount: session.amount_total ?? undefined, currency: session.currency ?? undefined, session: session.id });
  if (row.status === 'pending') return 'pending';
  if (row.status !== 'paid') return 'revoked';
  // The receipt first, so the author's notice can say whether the buyer was reached; the notice
  // goes out even when the receipt throws (Stripe retries that), and at most once.
  try {
    await sendReceipt(row.id);
  } finally {
    await notifyAuthor(row.id);
  }
  return 'fulfilled';
}

/** The session expired unpaid: its seat goes back. */
export async function expireCheckoutSession(session: Stripe.Checkout.Session): Promise<FulfilOutcome> {
  if (!ours(session)) return 'ignored';
  const changed = await serializeWrites(() =>
    getDb()
      .update(purchases)
      .set({ status: 'expired', updatedAt: nowMs() })
      .where(and(eq(purchases.checkoutSessionId, session.id), eq(purchases.status, 'reserved')))
      .returning({ id: purchases.id }),
  );
  return changed.length > 0 ? 'revoked' : 'already';
}

/** An async payment (SEPA, bank transfer) failed: no access, seat released. */
export async function failCheckoutSession(session: Stripe.Checkout.Session): Promise<FulfilOutcome> {
  if (!ours(session)) return 'ignored';
  const changed = await serializeWrites(() =>
    getDb()
      .update(purchases)
      .set({ status: 'failed', statusReason: 'async payment failed', updatedAt: nowMs() })
      .where(and(eq(purchases.checkoutSessionId, session.id), inArray(purchases.status, ['reserved', 'pending', 'expired'])))
      .returning({ id: purchases.id }),
  );
  return changed.length > 0 ? 'revoked' : 'already';
}

/** A full refund or a dispute ends access to whatever that payment bought (now or when it arrives). */
export async function revokePayment(paymentIntent: string, status: 'refunded' | 'disputed', reason: string): Promise<FulfilOutcome> {
  const now = nowMs();
  const db = getDb();
  await serializeWrites(() => db.insert(paymentRevocations).values({ paymentIntentId: paymentIntent, status, at: now }).onConflictDoNothing());
  const changed = await serializeWrites(() =>
    db
      .update(purchases)
      .set({ status, statusReason: reason, updatedAt: now })
      .where(and(eq(purchases.paymentIntentId, paymentIntent), inArray(purchases.status, ['paid', 'pending'])))
      .returning({ id: purchases.id }),
  );
  return changed.length > 0 ? 'revoked' : 'already';
}

/** charge.refunded: a partial refund (a goodwill discount) keeps access; only a full refund ends it. */
export async function applyRefundedCharge(charge: Stripe.Charge): Promise<FulfilOutcome> {
  const pi = stripeId(charge.payment_intent);
  if (!pi || !charge.refunded) return 'ignored';
  return revokePayment(pi, 'refunded', `refunded (${charge.id})`);
}

/** charge.dispute.created: the money is held back, so is the access. */
export async function applyDispute(dispute: Stripe.Dispute): Promise<FulfilOutcome> {
  const pi = stripeId(dispute.payment_intent);
  if (!pi) return 'ignored';
  return revokePayment(pi, 'disputed', `disputed: ${dispute.reason} (${dispute.id})`);
}
