import { createHash } from 'node:crypto';
import { and, eq, isNotNull, isNull, lt, or } from 'drizzle-orm';
import { issueSignInLink } from '../auth/login.server.ts';
import { SIGN_IN_TTL_MS } from '../auth/tokens.ts';
import { cohortEmailLabel } from '../catalog/cohort-label.ts';
import { libraryPath } from '../catalog/paths.ts';
import { pick, type Product } from '../catalog/product.ts';
import { getProduct } from '../catalog/products.server.ts';
import { nowMs } from '../core/clock.ts';
import { getDb, serializeWrites } from '../core/db/client.server.ts';
import { purchases } from '../core/db/schema.ts';
import { normalizeEmail } from '../core/email-address.ts';
import { getEnv } from '../core/env.server.ts';
import { getSite } from '../core/site.server.ts';
import { renderReceiptEmail, renderSaleNoticeEmail } from '../email/render.server.ts';
import { EmailNotSent, idempotencyKey, KEY_REUSED, sendEmail } from '../email/transport.server.ts';
import { deadlineLabel, formatDate, formatPrice } from '../../i18n/format.ts';
import { toLang, type Lang } from '../../i18n/lang.ts';
import { purchaseById, type PurchaseRow } from './purchases.server.ts';
import { describeError } from '../core/errors.ts';
import { log } from '../core/log.server.ts';

// The emails a purchase sends: the buyer's receipt (with a sign-in link), once, and the author's
// notice of the sale, once. Each goes to Resend under an idempotency key of its Checkout Session
// (docs/decisions/012): a retry after a crash, a timeout or a stale claim never delivers twice.

export class ReceiptNotSent extends Error {}

/**
 * A receipt claimed longer ago than this and still not sent was lost with its process. The
 * idempotency key makes taking it over safe, so this only needs to outlast one send attempt.
 */
export const RECEIPT_CLAIM_MS = 2 * 60_000;
/** How long a delivery waits for a receipt another request is sending before asking Stripe to come back. */
const RECEIPT_WAIT_MS = 3_000;

/** What the buyer paid, as Stripe reported it, in the reader's language. */
function amountPaid(purchase: PurchaseRow, product: Product, lang: Lang): string {
  if (purchase.amount === null) return '—';
  return formatPrice(lang, purchase.amount, (purchase.currency ?? product.currency ?? 'EUR').toUpperCase());
}

/** The operation an email of this purchase belongs to: the Checkout Session id is unique at Stripe. */
function operationOf(purchase: PurchaseRow): string {
  return purchase.checkoutSessionId ?? `purchase-${purchase.id}`;
}

async function receiptState(purchaseId: number) {
  const [row] = await getDb()
    .select({ sentAt: purchases.receiptSentAt, error: purchases.receiptError, noticeAt: purchases.saleNoticeSentAt })
    .from(purchases)
    .where(eq(purchases.id, purchaseId));
  return row;
}

/** Why no receipt can reach the buyer of a purchase (an address refused), or null. */
export async function receiptProblem(purchaseId: number): Promise<string | null> {
  return (await receiptState(purchaseId))?.error ?? null;
}

async function markReceipt(purchaseId: number, change: { receiptSentAt?: number; receiptError?: string; receiptClaimedAt?: null }): Promise<void> {
  await serializeWrites(() => getDb().update(purchases).set(change).where(eq(purchases.id, purchaseId)));
}

/**
 * "sent" (by this call), "done" (sent before, or it cannot be: see receiptProblem), or "elsewhere":
 * another request holds a fresh claim and is sending it now.
 */
export type ReceiptResult = 'sent' | 'done' | 'elsewhere';

/**
 * The receipt goes out once per purchase: whoever claims it sends it. A failure gives the claim
 * back and throws, so the webhook answers 5xx and Stripe delivers again; a claim left by a process
 * that died is taken over by sendPendingReceipts or the next delivery. An address that cannot
 * receive email is recorded instead, once, and the author is told (notifyAuthor).
 */
export async function sendReceipt(purchaseId: number): Promise<ReceiptResult> {
  const now = nowMs();
  const db = getDb();
  const claimed = await serializeWrites(() =>
    db
      .update(purchases)
      .set({ receiptClaimedAt: now })
      .where(
        and(
          eq(purchases.id, purchaseId),
          eq(purchases.status, 'paid'),
          isNull(purchases.receiptSentAt),
          isNull(purchases.receiptError),
          or(isNull(purchases.receiptClaimedAt), lt(purchases.receiptClaimedAt, now - RECEIPT_CLAIM_MS)),
        ),
      )
      .returning({ id: purchases.id }),
  );
  if (claimed.length === 0) {
    const state = await receiptState(purchaseId);
    return state && state.sentAt === null && state.error === null ? 'elsewhere' : 'done';
  }
  const purchase = (await purchaseById(purchaseId))!;
  const product = getProduct(purchase.productId);
  if (!product) return 'done';
  // U+FFFD stands where Stripe's address had a control character (fulfil.server.ts).
  if (!normalizeEmail(purchase.email) || purchase.email.includes('\uFFFD')) {
    // Stripe took the money from an address our rule refuses: no email can carry the sign-in link.
    await markReceipt(purchaseId, { receiptError: 'the buyer’s address is not one we can send email to', receiptClaimedAt: null });
    log.error('receipt.unsendable', { purchase: purchaseId, message: "the buyer's address is refused by the address rule; the author is told" });
    return 'done';
  }
  const site = getSite();
  const lang = toLang(purchase.lang, site);
  try {
    const signInUrl = await issueSignInLink(purchase.email, lang);
    const rendered = await renderReceiptEmail({
      lang,
      siteTitle: site.title,
      authorName: site.author.name,
      productTitle: pick(product.title, lang, site.defaultLanguage),
      cohortLabel: cohortEmailLabel(product, purchase.cohortId, lang, site.defaultLanguage, nowMs()) ?? null,
      amountLabel: amountPaid(purchase, product, lang),
      purchasedAtLabel: formatDate(lang, purchase.purchasedAt ?? nowMs(), product.timeZone),
      accessUntilLabel: purchase.accessUntil === null ? null : deadlineLabel(lang, purchase.accessUntil, product.timeZone, nowMs()),
      signInUrl,
      libraryUrl: `${getEnv().SITE_URL}${libraryPath(lang)}`,
      signInValidMinutes: SIGN_IN_TTL_MS / 60_000,
    });
    await sendEmail({ to: purchase.email, ...rendered, tags: [{ name: 'category', value: 'receipt' }] }, { idempotencyKey: await idempotencyKey(`receipt/${operationOf(purchase)}`) });
  } catch (err) {
    if (err instanceof EmailNotSent && err.code === KEY_REUSED) {
      // The key is this purchase's alone and Resend keeps it only for a request it took: an
      // earlier attempt (its sign-in link was another) went out before its process died.
      log.warn('receipt.duplicate', { purchase: purchaseId, message: 'Resend already took it under its key; not sent again' });
    } else if (err instanceof EmailNotSent && err.status === 422) {
      await markReceipt(purchaseId, { receiptError: `Resend refused the buyer’s address (${err.code})`, receiptClaimedAt: null });
      log.error('receipt.unsendable', { purchase: purchaseId, message: `Resend refused the buyer's address (${err.code}); the author is told` });
      return 'done';
    } else {
      // Give the claim back so the next delivery (Stripe retries, the success page) tries again.
      await markReceipt(purchaseId, { receiptClaimedAt: null });
      throw new ReceiptNotSent(`receipt for purchase ${purchaseId} not sent: ${describeError(err)}`);
    }
  }
  await markReceipt(purchaseId, { receiptSentAt: nowMs() });
  return 'sent';
}

/**
 * The receipt of a purchase already made paid by another delivery: sent now if nobody is sending
 * it, waited for briefly if someone is. Throws ReceiptNotSent when it has still not gone out, so
 * Stripe's redelivery is not answered 200 while no receipt is on its way (a process killed while
 * sending leaves a claim that only goes stale after RECEIPT_CLAIM_MS).
 */
export async function ensureReceipt(purchaseId: number): Promise<void> {
  const deadline = Date.now() + RECEIPT_WAIT_MS;
  while ((await sendReceipt(purchaseId)) === 'elsewhere') {
    if (Date.now() >= deadline) throw new ReceiptNotSent(`receipt for purchase ${purchaseId} is still being sent elsewhere; retry later`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Receipts and sale notices whose sending failed or whose process died (the scheduler's tick calls this). */
export async function sendPendingReceipts(): Promise<number> {
  const now = nowMs();
  const settled = lt(purchases.updatedAt, now - 60_000);
  const rows = await getDb()
    .select({ id: purchases.id })
    .from(purchases)
    .where(
      and(
        eq(purchases.status, 'paid'),
        eq(purchases.source, 'stripe'),
        isNull(purchases.receiptSentAt),
        isNull(purchases.receiptError),
        or(isNull(purchases.receiptClaimedAt), lt(purchases.receiptClaimedAt, now - RECEIPT_CLAIM_MS)),
        settled,
      ),
    )
    .limit(100);
  let sent = 0;
  for (const r of rows) {
    try {
      if ((await sendReceipt(r.id)) === 'sent') sent++;
    } catch (err) {
      log.error('receipt.failed', { purchase: r.id, message: describeError(err) });
    }
  }
  // A sale whose notice was lost (a crash, an outage): told late rather than never. Those whose
  // receipt is still due wait for it, so the notice can say whether the buyer was reached.
  const notices = await getDb()
    .select({ id: purchases.id })
    .from(purchases)
    .where(and(eq(purchases.status, 'paid'), eq(purchases.source, 'stripe'), isNull(purchases.saleNoticeSentAt), or(isNotNull(purchases.receiptSentAt), isNotNull(purchases.receiptError)), settled))
    .limit(100);
  for (const r of notices) await notifyAuthor(r.id);
  return sent;
}

/**
 * "You made a sale" to ADMIN_EMAILS, once per purchase, with what went wrong for the buyer if
 * their receipt could not be sent. Never throws: a failure is logged and the scheduler retries.
 */
export async function notifyAuthor(purchaseId: number): Promise<void> {
  try {
    const state = await receiptState(purchaseId);
    if (!state || state.noticeAt !== null) return;
    const purchase = (await purchaseById(purchaseId))!;
    const product = getProduct(purchase.productId);
    const admins = getEnv().ADMIN_EMAILS;
    if (product && admins.length > 0) {
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
        buyerNotReached: state.error !== null,
        productId: product.id,
      });
      for (const admin of admins) {
        const key = await idempotencyKey(`sale/${operationOf(purchase)}/${createHash('sha256').update(admin).digest('hex').slice(0, 12)}`);
        try {
          await sendEmail({ to: admin, ...rendered, tags: [{ name: 'category', value: 'sale' }] }, { idempotencyKey: key });
        } catch (err) {
          // Taken before under the same key: that notice went out.
          if (!(err instanceof EmailNotSent && err.code === KEY_REUSED)) throw err;
        }
      }
    } else if (state.error !== null) {
      // Nobody to email: the log is where the author finds it.
      log.error('purchase.unreachable', { purchase: purchaseId, product: purchase.productId, message: `paid, but the buyer cannot be emailed: ${state.error}. Grant access to a working address: npx drumbeat access grant EMAIL ${purchase.productId}` });
    }
    await serializeWrites(() => getDb().update(purchases).set({ saleNoticeSentAt: nowMs() }).where(eq(purchases.id, purchaseId)));
  } catch (err) {
    log.error('sale-notice.failed', { purchase: purchaseId, message: describeError(err) });
  }
}
