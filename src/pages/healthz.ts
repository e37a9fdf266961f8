import type { APIRoute } from 'astro';
import { databaseAnswers } from '../lib/core/db/client.server.ts';

export const GET: APIRoute = async () => {
  const ok = await databaseAnswers();
  return Response.json({ ok }, { status: ok ? 200 : 503, headers: { 'Cache-Control': 'no-store' } });
};
