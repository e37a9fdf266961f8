import type { APIRoute } from 'astro';
import { isLocalDevRequest } from '../../app/dev-access.server.ts';
import { getEnv } from '../../lib/core/env.server.ts';
import { now, travelTo } from '../../lib/core/clock.ts';

// Test-only: moves this server's clock so browser tests can watch a scheduled Note appear.
// Exists only with DRUMBEAT_TEST_CLOCK=on (which the env refuses under NODE_ENV=production) and
// only for a request from this machine, like the outbox.
export const POST: APIRoute = async ({ request, cache, clientAddress }) => {
  if (getEnv().DRUMBEAT_TEST_CLOCK !== 'on' || !isLocalDevRequest(request, clientAddress)) return new Response(null, { status: 404 });
  const body = (await request.json().catch(() => null)) as { at?: unknown } | null;
  const at = typeof body?.at === 'string' ? Date.parse(body.at) : Number.NaN;
  if (Number.isNaN(at)) return Response.json({ error: 'body must be {"at": "<ISO date>"}' }, { status: 400 });
  travelTo(at);
  await cache.invalidate({ tags: ['notes'] });
  return Response.json({ now: now().toISOString() });
};
