import type { APIRoute } from 'astro';
import { endSession } from '../lib/auth/session.server.ts';

export const POST: APIRoute = async ({ cookies, redirect }) => {
  await endSession(cookies);
  return redirect('/', 303);
};
