import type { APIRoute } from 'astro';
import { databaseWrites } from '../lib/core/db/health.server.ts';
import { stuckSends } from '../lib/newsletter/stuck-sends.server.ts';

// 200 {"ok":true} only while the database answers and takes a write: a read-only or full disk
// makes every form fail, so the load balancer must hear about it (503). A stuck send (its lease
// ran out and no scheduler took it over) is named in the answer but keeps the 200: this instance
// still serves readers, and a load balancer taking every instance out would not mail anyone
// (docs/decisions/022). All well, the answer is exactly the contract's {"ok":true}; otherwise
// "newsletter" says what is wrong ("stuck", with the sends, or "unknown"), for monitors.
export const GET: APIRoute = async () => {
  const ok = await databaseWrites();
  const headers = { 'Cache-Control': 'no-store' };
  if (!ok) return Response.json({ ok }, { status: 503, headers });
  const stuck = await stuckSends().catch(() => undefined);
  const newsletter = stuck === undefined ? 'unknown' : stuck.length > 0 ? 'stuck' : 'ok';
  if (newsletter === 'ok') return Response.json({ ok }, { headers });
  return Response.json({ ok, newsletter, ...(stuck?.length ? { stuckSends: stuck } : {}) }, { headers });
};
