import { and, eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import { nowMs } from '../core/clock.ts';
import { getDb, serializeWrites } from '../core/db/client.server.ts';
import { webhookEvents } from '../core/db/schema.ts';
import { getEnv } from '../core/env.server.ts';
import { applyDispute, applyRefundedCharge, expireCheckoutSession, failCheckoutSession, fulfilCheckoutSession, type FulfilOutcome } from './fulfil.server.ts';
import { ReceiptNotSent } from './receipts.server.ts';
import { getStripe } from './stripe.server.ts';
import { log, logEvent } from '../core/log.server.ts';

// POST /webhooks/stripe: verify with the SDK against the raw body, skip events already applied,
// dispatch by type. Unknown types, other sites' sessions and signed events without an object to
// act on are acknowledged and ignored (Stripe would retry anything else for days).

export const MAX_WEBHOOK_BYTES = 512 * 1024;
const TOLERANCE_S = 300;

export interface WebhookAnswer {
  status: number;
  body: { received: boolean; outcome?: FulfilOutcome | 'duplicate' | 'unhandled'; error?: string };
}

type Handler = (event: Stripe.Event) => Promise<FulfilOutcome>;

/** A handler for events whose data.object is a Stripe object of this kind with an id; anything else is ignored. */
function on<T>(kind: string, handle: (object: T) => Promise<FulfilOutcome>): Handler {
  return async (e) => {
    const object: unknown = isRecord(e.data) ? e.data.object : undefined;
    if (!isRecord(object) || object.object !== kind || typeof object.id !== 'string') {
      log.warn('stripe.webhook', { eventId: e.id, type: e.type, outcome: 'ignored', message: `carries no ${kind} to act on` });
      return 'ignored';
    }
    return handle(object as T);
  };
}

const handlers: Partial<Record<Stripe.Event['type'], Handler>> = {
  'checkout.session.completed': on('checkout.session', fulfilCheckoutSession),
  'checkout.session.async_payment_succeeded': on('checkout.session', fulfilCheckoutSession),
  'checkout.session.async_payment_failed': on('checkout.session', failCheckoutSession),
  'checkout.session.expired': on('checkout.session', expireCheckoutSession),
  // The same functions reconcile.server.ts feeds what it lists from Stripe.
  'charge.refunded': on<Stripe.Charge>('charge', applyRefundedCharge),
  'charge.dispute.created': on<Stripe.Dispute>('dispute', applyDispute),
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An event as Stripe sends them: an object with an id and a type; its data.object is checked per handler. */
function isEvent(value: unknown): value is Stripe.Event {
  return isRecord(value) && typeof value.id === 'string' && value.id.length > 0 && value.id.length <= 255 && typeof value.type === 'string';
}

/**
 * The SDK refuses a signature older than the tolerance but takes one from any moment in the
 * future; a signed body held back and replayed later is refused here. Stripe signs with its own
 * clock, so this compares with the machine's, as the SDK does, not with the app's clock.
 */
function signedInTheFuture(signature: string): boolean {
  const stamps = [...signature.matchAll(/(?:^|,)\s*t=(\d+)/g)].map((m) => Number(m[1]));
  return stamps.length !== 1 || stamps[0]! > Math.floor(Date.now() / 1000) + TOLERANCE_S;
}

/** One log line per delivery, whatever became of it (no address: events are named by id and type). */
export async function handleStripeWebhook(rawBody: string, signature: string | null): Promise<WebhookAnswer> {
  const about: EventNames = {};
  const answer = await answerStripeWebhook(rawBody, signature, about);
  const level = answer.status >= 500 ? 'error' : answer.status >= 400 ? 'warn' : 'info';
  logEvent(level, 'stripe.webhook', { status: answer.status, outcome: answer.body.outcome, error: answer.body.error, ...about });
  return answer;
}

/** What the delivery was about, for its log line: known once the signature is checked. */
type EventNames = { eventId?: string; type?: string };

async function answerStripeWebhook(rawBody: string, signature: string | null, about: EventNames): Promise<WebhookAnswer> {
  const secret = getEnv().STRIPE_WEBHOOK_SECRET;
  const stripe = getStripe();
  if (!secret || !stripe) return { status: 400, body: { received: false, error: 'payments are not configured' } };
  if (!signature) return { status: 400, body: { received: false, error: 'missing Stripe-Signature header' } };
  let parsed: unknown;
  try {
    parsed = stripe.webhooks.constructEvent(rawBody, signature, secret, TOLERANCE_S);
  } catch {
    return { status: 400, body: { received: false, error: 'signature verification failed' } };
  }
  if (signedInTheFuture(signature)) return { status: 400, body: { received: false, error: 'signature timestamp is in the future' } };
  // Signed, so from Stripe (or someone with the secret), yet not an event: retrying cannot help.
  if (!isEvent(parsed)) return { status: 400, body: { received: false, error: 'not a Stripe event' } };
  const event = parsed;
  about.eventId = event.id;
  about.type = event.type;
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
    log.error('receipt.failed', { eventId: event.id, message: err.message });
    return { status: 503, body: { received: false, error: 'temporarily unable to send the receipt; retry' } };
  }
  // Recorded after the effect: a crash in between makes Stripe retry, and every effect is idempotent.
  await serializeWrites(() => db.insert(webhookEvents).values({ id: event.id, source: 'stripe', type: event.type, receivedAt: nowMs() }).onConflictDoNothing());
  return { status: 200, body: { received: true, outcome } };
}
