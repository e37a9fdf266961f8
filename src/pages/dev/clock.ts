import type { APIRoute } from 'astro';
import { getEnv } from '../../lib/core/env.server.ts';
import { now, travelTo } from '../../lib/core/clock.ts';

// Test-only: moves this server's clock so browser tests can watch a scheduled Note appear.
// Exists only with DRUMBEAT_TEST_CLOCK=on.
export const POST: APIRoute = async ({ request, cache }) => {
  if (getEnv().DRUMBEAT_TEST_CLOCK !== 'on') return new Response(null, { status: 404 });
  const body = (await request.json().catch(() => null)) as { at?: unknown } | null;
  const at = typeof body?.at === 'string' ? Date.parse(body.at) : Number.NaN;
  if (Number.isNaN(at)) return Response.json({ error: 'body must be {"at": "<ISO date>"}' }, { status: 400 });
  travelTo(at);
  await cache.invalidate({ tags: ['notes'] });
  return Response.json({ now: now().toISOString() });
};
