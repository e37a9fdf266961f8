import type { APIRoute } from 'astro';
import { readBodyLimited } from '../../lib/core/http.server.ts';
import { handleStripeWebhook, MAX_WEBHOOK_BYTES } from '../../lib/payments/webhook.server.ts';

// The signature covers the exact bytes Stripe sent, so the body is read raw, never parsed first.
export const POST: APIRoute = async ({ request }) => {
  const body = await readBodyLimited(request, MAX_WEBHOOK_BYTES).catch(() => undefined);
  if (body === undefined) return Response.json({ received: false, error: 'body too large or unreadable' }, { status: 413 });
  const outcome = await handleStripeWebhook(body, request.headers.get('stripe-signature'));
  return Response.json(outcome.body, { status: outcome.status });
};
