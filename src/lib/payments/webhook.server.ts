import { and, eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import { nowMs } from '../core/clock.ts';
import { getDb, serializeWrites } from '../core/db/client.server.ts';
import { webhookEvents } from '../core/db/schema.ts';
import { getEnv } from '../core/env.server.ts';
import { expireCheckoutSession, failCheckoutSession, fulfilCheckoutSession, revokePayment, type FulfilOutcome } from './fulfil.server.ts';
import { ReceiptNotSent } from './receipts.server.ts';
import { getStripe, stripeId } from './stripe.server.ts';

// POST /webhooks/stripe: verify with the SDK against the raw body, skip events already applied,
// dispatch by type. Unknown types and other sites' sessions are acknowledged and ignored.

export const MAX_WEBHOOK_BYTES = 512 * 1024;
const TOLERANCE_S = 300;

export interface WebhookAnswer {
  status: number;
  body: { received: boolean; outcome?: FulfilOutcome | 'duplicate' | 'unhandled'; error?: string };
}

type Handler = (event: Stripe.Event) => Promise<FulfilOutcome>;

const handlers: Partial<Record<Stripe.Event['type'], Handler>> = {
  'checkout.session.completed': (e) => fulfilCheckoutSession(e.data.object as Stripe.Checkout.Session),
  'checkout.session.async_payment_succeeded': (e) => fulfilCheckoutSession(e.data.object as Stripe.Checkout.Session),
  'checkout.session.async_payment_failed': (e) => failCheckoutSession(e.data.object as Stripe.Checkout.Session),
  'checkout.session.expired': (e) => expireCheckoutSession(e.data.object as Stripe.Checkout.Session),
  'charge.refunded': async (e) => {
    const charge = e.data.object as Stripe.Charge;
    const pi = stripeId(charge.payment_intent);
    // A partial refund (a goodwill discount) keeps access; only a full refund ends it.
    if (!pi || !charge.refunded) return 'ignored';
    return revokePayment(pi, 'refunded', `refunded (${charge.id})`);
  },
  'charge.dispute.created': async (e) => {
    const dispute = e.data.object as Stripe.Dispute;
    const pi = stripeId(dispute.payment_intent);
    if (!pi) return 'ignored';
    return revokePayment(pi, 'disputed', `disputed: ${dispute.reason} (${dispute.id})`);
  },
};

export async function handleStripeWebhook(rawBody: string, signature: string | null): Promise<WebhookAnswer> {
  const secret = getEnv().STRIPE_WEBHOOK_SECRET;
  const stripe = getStripe();
  if (!secret || !stripe) return { status: 400, body: { received: false, error: 'payments are not configured' } };
  if (!signature) return { status: 400, body: { received: false, error: 'missing Stripe-Signature header' } };
  let event: Stripe.Event;
  try {
    event = stripe.webhooks.constructEvent(rawBody, signature, secret, TOLERANCE_S);
  } catch {
    return { status: 400, body: { received: false, error: 'signature verification failed' } };
  }
  const db = getDb();
  const seen = await db.query.webhookEvents.findFirst({ columns: { id: true }, where: and(eq(webhookEvents.id, event.id), eq(webhookEvents.source, 'stripe')) });
  if (seen) return { status: 200, body: { received: true, outcome: 'duplicate' } };
  const handler = handlers[event.type];
  let outcome: WebhookAnswer['body']['outcome'];
  try {
    outcome = handler ? await handler(event) : 'unhandled';
  } catch (err) {
    if (!(err instanceof ReceiptNotSent)) throw err;
    // The purchase is stored; only its receipt failed. Not recording the event makes Stripe retry.
    console.error(err.message);
    return { status: 503, body: { received: false, error: 'temporarily unable to send the receipt; retry' } };
  }
  // Recorded after the effect: a crash in between makes Stripe retry, and every effect is idempotent.
  await serializeWrites(() => db.insert(webhookEvents).values({ id: event.id, source: 'stripe', type: event.type, receivedAt: nowMs() }).onConflictDoNothing());
  return { status: 200, body: { received: true, outcome } };
}
