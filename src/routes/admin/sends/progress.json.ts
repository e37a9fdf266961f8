import type { APIRoute } from 'astro';
import { ADMIN_HEADERS, requireAdmin } from '../../../lib/admin/guard.server.ts';
import { sendsProgress } from '../../../lib/admin/sends.server.ts';

// What the Sends page's script polls while a send runs: counters only, behind the same guard, never cached.
export const GET: APIRoute = async (context) => {
  const response = { status: 200 as number | undefined, headers: new Headers() };
  const gate = await requireAdmin({ cookies: context.cookies, url: context.url, currentLocale: context.currentLocale, response });
  if (gate.state === 'signed-out') return gate.response;
  const json = { ...ADMIN_HEADERS, 'Content-Type': 'application/json; charset=utf-8' };
  if (gate.state === 'forbidden') return new Response(JSON.stringify({ error: 'forbidden' }), { status: 403, headers: json });
  return new Response(JSON.stringify(await sendsProgress()), { headers: json });
};
