import type { APIRoute } from 'astro';
import { databaseWrites } from '../lib/core/db/health.server.ts';

// 200 {"ok":true} only while the database answers and takes a write: a read-only or full disk
// makes every form fail, so the load balancer must hear about it (503).
export const GET: APIRoute = async () => {
  const ok = await databaseWrites();
  return Response.json({ ok }, { status: ok ? 200 : 503, headers: { 'Cache-Control': 'no-store' } });
};
