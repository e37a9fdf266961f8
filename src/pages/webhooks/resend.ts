import type { APIRoute } from 'astro';
import { readBodyLimited } from '../../lib/core/http.server.ts';
import { handleResendWebhook } from '../../lib/newsletter/resend-webhook.server.ts';

// Resend's events are small; anything past 512 KB is not one of them.
const MAX_BYTES = 512 * 1024;

export const POST: APIRoute = async ({ request }) => {
  const body = await readBodyLimited(request, MAX_BYTES).catch(() => undefined);
  if (body === undefined) return Response.json({ error: 'body too large or unreadable' }, { status: 413 });
  const outcome = await handleResendWebhook(body, request.headers);
  return Response.json(outcome.body, { status: outcome.status });
};
