import type Stripe from 'stripe';
import { allow } from '../core/rate-limit.server.ts';
import { getSite } from '../core/site.server.ts';
import { toLang, type Lang } from '../../i18n/lang.ts';
import { fulfilCheckoutSession } from './fulfil.server.ts';
import { receiptProblem, ReceiptNotSent } from './receipts.server.ts';
import { purchaseBySession } from './purchases.server.ts';
import { getStripe, isCheckoutSessionId, META } from './stripe.server.ts';
import { log } from '../core/log.server.ts';

// /checkout/success?session_id=…: Stripe sends the buyer here, often before the webhook arrives.
// Retrieving the session and fulfilling it here too makes access immediate; both paths are idempotent.

/** `unreachable`: paid, but no email can reach the address the buyer gave (the author is told). */
export type SuccessOutcome = { state: 'paid' | 'pending'; email: string; productId: string; lang: Lang; unreachable: boolean } | { state: 'unknown' };

/** "g•••@example.com": enough for the buyer to recognise, not enough to collect from the URL. */
export function maskEmail(email: string): string {
  const [local = '', domain = ''] = email.split('@');
  return `${local.slice(0, 1)}•••@${domain}`;
}

export async function checkoutSuccess(sessionId: unknown, ip?: string): Promise<SuccessOutcome> {
  const stripe = getStripe();
  if (!stripe || !isCheckoutSessionId(sessionId)) return { state: 'unknown' };
  // Each visit asks Stripe; a loop of made-up ids should not spend the account's API rate.
  if (ip !== undefined && !(await allow(`success-ip:${ip}`, 60, 10 * 60_000))) return { state: 'unknown' };
  let session: Stripe.Checkout.Session;
  try {
    session = await stripe.checkout.sessions.retrieve(sessionId);
  } catch {
    return { state: 'unknown' };
  }
  if (!session.metadata?.[META.product] || session.status !== 'complete') return { state: 'unknown' };
  try {
    await fulfilCheckoutSession(session);
  } catch (err) {
    // The purchase is stored; the receipt will go out when Stripe's webhook retries.
    if (!(err instanceof ReceiptNotSent)) throw err;
    log.error('receipt.failed', { session: session.id, message: err.message });
  }
  const purchase = await purchaseBySession(session.id);
  if (!purchase || (purchase.status !== 'paid' && purchase.status !== 'pending')) return { state: 'unknown' };
  const unreachable = (await receiptProblem(purchase.id)) !== null;
  return { state: purchase.status, email: purchase.email, productId: purchase.productId, lang: toLang(purchase.lang, getSite()), unreachable };
}
