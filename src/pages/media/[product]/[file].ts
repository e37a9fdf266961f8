import type { APIRoute } from 'astro';
import { sessionAccess } from '../../../lib/access/access.server.ts';
import { findMedia, streamMedia } from '../../../lib/access/media.server.ts';
import { SESSION_COOKIE } from '../../../lib/auth/login-tokens.ts';

// Checked at every request, Range requests included: a copied link works for nobody else and
// stops at the deadline, whatever the browser cached about the page.
const serve: APIRoute = async ({ params, request, cookies }) => {
  const deny = (status: number, message: string) =>
    new Response(message, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'private, no-store' } });
  const access = await sessionAccess(cookies.get(SESSION_COOKIE)?.value, params.product ?? '');
  if (!access.email) return deny(401, 'Sign in to watch this recording.');
  if (!access.access) return deny(403, 'Your access to this recording has ended, or this account does not have it.');
  const media = findMedia(params.product ?? '', params.file ?? '');
  if (!media) return deny(404, 'No such file.');
  return streamMedia(request, media);
};

export const GET = serve;
export const HEAD = serve;
