import type { APIRoute } from 'astro';
import { handleStripeWebhook, MAX_WEBHOOK_BYTES } from '../../lib/payments/webhook.server.ts';

// The signature covers the exact bytes Stripe sent, so the body is read raw, never parsed first.
export const POST: APIRoute = async ({ request }) => {
  if (Number(request.headers.get('content-length') ?? 0) > MAX_WEBHOOK_BYTES) return Response.json({ received: false, error: 'body too large' }, { status: 413 });
  const body = await request.text();
  if (Buffer.byteLength(body) > MAX_WEBHOOK_BYTES) return Response.json({ received: false, error: 'body too large' }, { status: 413 });
  const outcome = await handleStripeWebhook(body, request.headers.get('stripe-signature'));
  return Response.json(outcome.body, { status: outcome.status });
};
