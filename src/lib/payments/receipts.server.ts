import { and, eq, isNull, lt, or } from 'drizzle-orm';
import { issueSignInLink } from '../auth/login.server.ts';
import { SIGN_IN_TTL_MS } from '../auth/tokens.ts';
import { libraryPath } from '../catalog/paths.ts';
import { pick, type Product } from '../catalog/product.ts';
import { getProduct } from '../catalog/products.server.ts';
import { nowMs } from '../core/clock.ts';
import { getDb, serializeWrites } from '../core/db/client.server.ts';
import { purchases } from '../core/db/schema.ts';
import { getEnv } from '../core/env.server.ts';
import { getSite } from '../core/site.server.ts';
import { renderReceiptEmail, renderSaleNoticeEmail } from '../email/render.server.ts';
import { sendEmail } from '../email/transport.server.ts';
import { deadlineLabel, formatDate, formatPrice } from '../../i18n/format.ts';
import { toLang, type Lang } from '../../i18n/lang.ts';
import { purchaseById, type PurchaseRow } from './purchases.server.ts';
import { describeError } from '../core/errors.ts';

// The emails a purchase sends: the buyer's receipt (with a sign-in link), once, and the author's
// notice of the sale.

export class ReceiptNotSent extends Error {}

/** A receipt claimed longer ago than this and still not sent was lost with its process. */
export const RECEIPT_CLAIM_MS = 10 * 60_000;

/** What the buyer paid, as Stripe reported it, in the reader's language. */
function amountPaid(purchase: PurchaseRow, product: Product, lang: Lang): string {
  if (purchase.amount === null) return '—';
  return formatPrice(lang, purchase.amount, (purchase.currency ?? product.currency ?? 'EUR').toUpperCase());
}

/**
 * The receipt goes out once per purchase: whoever claims it sends it. A failure gives the claim
 * back and throws, so the webhook answers 5xx and Stripe delivers again; a claim left by a process
 * that died is taken over by sendPendingReceipts.
 */
export async function sendReceipt(purchaseId: number): Promise<boolean> {
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
          or(isNull(purchases.receiptClaimedAt), lt(purchases.receiptClaimedAt, now - RECEIPT_CLAIM_MS)),
        ),
      )
      .returning({ id: purchases.id }),
  );
  if (claimed.length === 0) return false;
  const purchase = (await purchaseById(purchaseId))!;
  const product = getProduct(purchase.productId);
  if (!product) return false;
  const site = getSite();
  const lang = toLang(purchase.lang, site);
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
    await serializeWrites(() => db.update(purchases).set({ receiptSentAt: nowMs() }).where(eq(purchases.id, purchaseId)));
    return true;
  } catch (err) {
    // Give the claim back so the next delivery (Stripe retries, the success page) tries again.
    await serializeWrites(() => db.update(purchases).set({ receiptClaimedAt: null }).where(eq(purchases.id, purchaseId)));
    throw new ReceiptNotSent(`receipt for purchase ${purchaseId} not sent: ${describeError(err)}`);
  }
}

/** Receipts whose sending failed or whose process died (the scheduler's tick calls this). */
export async function sendPendingReceipts(): Promise<number> {
  const now = nowMs();
  const rows = await getDb()
    .select({ id: purchases.id })
    .from(purchases)
    .where(
      and(
        eq(purchases.status, 'paid'),
        eq(purchases.source, 'stripe'),
        isNull(purchases.receiptSentAt),
        or(isNull(purchases.receiptClaimedAt), lt(purchases.receiptClaimedAt, now - RECEIPT_CLAIM_MS)),
        lt(purchases.updatedAt, now - 60_000),
      ),
    )
    .limit(100);
  let sent = 0;
  for (const r of rows) {
    try {
      if (await sendReceipt(r.id)) sent++;
    } catch (err) {
      console.error(describeError(err));
    }
  }
  return sent;
}

/** "You made a sale" to ADMIN_EMAILS. Best effort: a failure is logged, never blocks the buyer. */
export async function notifyAuthor(purchaseId: number): Promise<void> {
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
    console.error(`sale notice for purchase ${purchaseId} not sent: ${describeError(err)}`);
  }
}
