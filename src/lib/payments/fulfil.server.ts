import type Stripe from 'stripe';
import { accessUntilFor, deadlineLabel, formatPrice } from '../access/deadlines.ts';
import { normalizeEmail, SIGN_IN_TTL_MS } from '../auth/login-tokens.ts';
import { issueSignInLink } from '../auth/login.server.ts';
import { nowMs } from '../clock.ts';
import { getDb, serializeWrites } from '../db/client.server.ts';
import { renderReceiptEmail, renderSaleNoticeEmail } from '../email/render.server.ts';
import { sendEmail } from '../email/send.server.ts';
import { getEnv } from '../env.server.ts';
import { formatDate } from '../../i18n/format.ts';
import { getSite } from '../site.server.ts';
import { libraryPath } from './paths.server.ts';
import { pick, type Product } from './product.ts';
import { getProduct } from './products.server.ts';
import { purchaseById, purchaseBySession, type PurchaseRow } from './purchases.server.ts';
import { META, stripeId } from './stripe.server.ts';

// Fulfilment, keyed by the Checkout Session id. Every change is one conditional UPDATE whose
// RETURNING row says whether this call made it, so any number of duplicate, concurrent or
// reordered deliveries (webhook and success page alike) yield one purchase and one receipt.

export type FulfilOutcome = 'fulfilled' | 'already' | 'pending' | 'ignored' | 'revoked';

const run = (sql: string, args: (string | number | null)[]) => serializeWrites(() => getDb().$client.execute({ sql, args }));

/** Our product and cohort for a session, or undefined when the session is not ours. */
function ours(session: Stripe.Checkout.Session) {
  const productId = session.metadata?.[META.product];
  const product = productId ? getProduct(productId) : undefined;
  if (!product) return undefined;
  const cohortId = session.metadata?.[META.cohort];
  const cohort = cohortId ? product.cohorts.find((c) => c.id === cohortId) : undefined;
  if (product.kind === 'certification' && !cohort) return undefined;
  const site = getSite();
  const lang = site.languages.includes(session.metadata?.[META.lang] as never) ? session.metadata![META.lang]! : site.defaultLanguage;
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
  const email = normalizeEmail(session.customer_details?.email ?? session.customer_email);
  if (!email) return 'ignored';
  const paid = session.payment_status === 'paid' || session.payment_status === 'no_payment_required';
  const paymentIntent = stripeId(session.payment_intent);
  const now = nowMs();

  const target: 'paid' | 'pending' = paid ? 'paid' : 'pending';
  const accessUntil = accessUntilFor(mine.product, mine.cohort, now);

  // The reservation made at checkout normally carries the session id; if the process died between
  // creating the session and saving its id, attach it now by the id in the metadata.
  if (mine.purchaseId) {
    await run(`UPDATE purchases SET checkout_session_id = ? WHERE id = ? AND checkout_session_id IS NULL AND product_id = ?`, [session.id, mine.purchaseId, mine.product.id]);
  }
  // A reservation that expired on our side still becomes the purchase: Stripe took the money.
  await run(
    `INSERT INTO purchases (email, product_id, cohort_id, lang, source, status, checkout_session_id, created_at, updated_at)
     VALUES (?, ?, ?, ?, 'stripe', 'reserved', ?, ?, ?) ON CONFLICT (checkout_session_id) DO NOTHING`,
    [email, mine.product.id, mine.cohort?.id ?? null, mine.lang, session.id, now, now],
  );
  const from = target === 'pending' ? `('reserved', 'expired')` : `('reserved', 'expired', 'pending')`;
  // A refund or dispute may have arrived first (Stripe does not promise order) and wins. It is
  // looked up inside the UPDATE, so one landing at the same moment cannot slip between check and write.
  const changed = await run(
    `UPDATE purchases SET status = COALESCE((SELECT status FROM payment_revocations WHERE payment_intent_id = ?), ?),
       email = ?, payment_intent_id = ?, customer_id = ?, amount = ?, currency = ?,
       purchased_at = COALESCE(purchased_at, ?), access_until = ?, reserved_until = NULL, updated_at = ?
     WHERE checkout_session_id = ? AND status IN ${from} RETURNING id, status`,
    [paymentIntent, target, email, paymentIntent, stripeId(session.customer), session.amount_total ?? null, session.currency ?? null, now, accessUntil, now, session.id],
  );
  const row = changed.rows[0];
  if (!row) {
    // Already applied; a receipt whose sending failed earlier goes out now.
    const existing = await purchaseBySession(session.id);
    if (existing?.status === 'paid' && existing.receiptSentAt === null) await sendReceipt(existing.id);
    return 'already';
  }
  const status = String(row.status);
  if (status === 'pending') return 'pending';
  if (status !== 'paid') return 'revoked';
  // Only the call that made the purchase paid gets here, so the author hears of each sale once.
  await notifyAuthor(Number(row.id));
  await sendReceipt(Number(row.id));
  return 'fulfilled';
}

/** "You made a sale" to ADMIN_EMAILS. Best effort: a failure is logged, never blocks the buyer. */
async function notifyAuthor(purchaseId: number): Promise<void> {
  const admins = getEnv().ADMIN_EMAILS;
  if (admins.length === 0) return;
  try {
    const purchase = (await purchaseById(purchaseId))!;
    const product = getProduct(purchase.productId);
    if (!product) return;
    const site = getSite();
    const lang = site.defaultLanguage;
    const cohort = product.cohorts.find((c) => c.id === purchase.cohortId);
    const rendered = await renderSaleNoticeEmail({
      lang,
      siteTitle: site.title,
      authorName: site.author.name,
      buyerEmail: purchase.email,
      productTitle: pick(product.title, lang, lang),
      amountLabel: amountPaid(purchase, product, lang),
      cohortTitle: cohort ? pick(cohort.title, lang, lang) || cohort.id : null,
      accessUntilLabel: purchase.accessUntil === null ? null : deadlineLabel(lang, purchase.accessUntil, product.timeZone, nowMs()),
    });
    for (const admin of admins) await sendEmail({ to: admin, ...rendered, tags: [{ name: 'category', value: 'sale' }] });
  } catch (err) {
    console.error(`sale notice for purchase ${purchaseId} not sent: ${(err as Error).message}`);
  }
}

/** The session expired unpaid: its seat goes back. */
export async function expireCheckoutSession(session: Stripe.Checkout.Session): Promise<FulfilOutcome> {
  if (!ours(session)) return 'ignored';
  const changed = await run(`UPDATE purchases SET status = 'expired', updated_at = ? WHERE checkout_session_id = ? AND status = 'reserved' RETURNING id`, [nowMs(), session.id]);
  return changed.rows[0] ? 'revoked' : 'already';
}

/** An async payment (SEPA, bank transfer) failed: no access, seat released. */
export async function failCheckoutSession(session: Stripe.Checkout.Session): Promise<FulfilOutcome> {
  if (!ours(session)) return 'ignored';
  const changed = await run(
    `UPDATE purchases SET status = 'failed', status_reason = 'async payment failed', updated_at = ? WHERE checkout_session_id = ? AND status IN ('reserved', 'pending', 'expired') RETURNING id`,
    [nowMs(), session.id],
  );
  return changed.rows[0] ? 'revoked' : 'already';
}

/** A full refund or a dispute ends access to whatever that payment bought (now or when it arrives). */
export async function revokePayment(paymentIntent: string, status: 'refunded' | 'disputed', reason: string): Promise<FulfilOutcome> {
  const now = nowMs();
  await run(`INSERT INTO payment_revocations (payment_intent_id, status, at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, [paymentIntent, status, now]);
  const changed = await run(
    `UPDATE purchases SET status = ?, status_reason = ?, updated_at = ? WHERE payment_intent_id = ? AND status IN ('paid', 'pending') RETURNING id`,
    [status, reason, now, paymentIntent],
  );
  return changed.rows.length > 0 ? 'revoked' : 'already';
}

/** What the buyer paid, as Stripe reported it, in the reader's language. */
function amountPaid(purchase: PurchaseRow, product: Product, lang: string): string {
  if (purchase.amount === null) return '—';
  return formatPrice(lang, purchase.amount, (purchase.currency ?? product.currency ?? 'EUR').toUpperCase());
}

export class ReceiptNotSent extends Error {}

/** A receipt claimed longer ago than this and still not sent was lost with its process. */
export const RECEIPT_CLAIM_MS = 10 * 60_000;

/**
 * The receipt goes out once per purchase: whoever claims it sends it. A failure gives the claim
 * back and throws, so the webhook answers 5xx and Stripe delivers again; a claim left by a process
 * that died is taken over by sendPendingReceipts.
 */
export async function sendReceipt(purchaseId: number): Promise<boolean> {
  const now = nowMs();
  const claimed = await run(
    `UPDATE purchases SET receipt_claimed_at = ? WHERE id = ? AND status = 'paid' AND receipt_sent_at IS NULL
       AND (receipt_claimed_at IS NULL OR receipt_claimed_at < ?) RETURNING id`,
    [now, purchaseId, now - RECEIPT_CLAIM_MS],
  );
  if (!claimed.rows[0]) return false;
  const purchase = (await purchaseById(purchaseId))!;
  const product = getProduct(purchase.productId);
  if (!product) return false;
  const site = getSite();
  const lang = purchase.lang;
  try {
    const signInUrl = await issueSignInLink(purchase.email, lang);
    const rendered = await renderReceiptEmail({
      lang,
      siteTitle: site.title,
      authorName: site.author.name,
      productTitle: pick(product.title, lang, site.defaultLanguage),
      amountLabel: amountPaid(purchase, product, lang),
      purchasedAtLabel: formatDate(lang, purchase.purchasedAt ?? nowMs(), product.timeZone),
      accessUntilLabel: purchase.accessUntil === null ? null : deadlineLabel(lang, purchase.accessUntil, product.timeZone, nowMs()),
      signInUrl,
      libraryUrl: `${getEnv().SITE_URL}${libraryPath(lang)}`,
      signInValidMinutes: SIGN_IN_TTL_MS / 60_000,
    });
    await sendEmail({ to: purchase.email, ...rendered, tags: [{ name: 'category', value: 'receipt' }] });
    await run(`UPDATE purchases SET receipt_sent_at = ? WHERE id = ?`, [nowMs(), purchaseId]);
    return true;
  } catch (err) {
    // Give the claim back so the next delivery (Stripe retries, the success page) tries again.
    await run(`UPDATE purchases SET receipt_claimed_at = NULL WHERE id = ?`, [purchaseId]);
    throw new ReceiptNotSent(`receipt for purchase ${purchaseId} not sent: ${(err as Error).message}`);
  }
}

/** Receipts whose sending failed or whose process died (the scheduler's tick calls this). */
export async function sendPendingReceipts(): Promise<number> {
  const now = nowMs();
  const rows = await getDb().$client.execute({
    sql: `SELECT id FROM purchases WHERE status = 'paid' AND source = 'stripe' AND receipt_sent_at IS NULL
            AND (receipt_claimed_at IS NULL OR receipt_claimed_at < ?) AND updated_at < ? LIMIT 100`,
    args: [now - RECEIPT_CLAIM_MS, now - 60_000],
  });
  let sent = 0;
  for (const r of rows.rows) {
    try {
      if (await sendReceipt(Number(r.id))) sent++;
    } catch (err) {
      console.error((err as Error).message);
    }
  }
  return sent;
}
