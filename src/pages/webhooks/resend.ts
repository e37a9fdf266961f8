import type { APIRoute } from 'astro';
import { handleResendWebhook } from '../../lib/newsletter/resend-webhook.server.ts';

export const POST: APIRoute = async ({ request }) => {
  const outcome = await handleResendWebhook(await request.text(), request.headers);
  return Response.json(outcome.body, { status: outcome.status });
};
