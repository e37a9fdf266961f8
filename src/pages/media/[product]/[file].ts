import type { APIRoute } from 'astro';
import { accessTo } from '../../../lib/access/access.server.ts';
import { findMedia, streamMedia } from '../../../lib/access/media.server.ts';
import { currentBuyer } from '../../../lib/auth/session.server.ts';

// Checked at every request, Range requests included: a copied link works for nobody else and
// stops at the deadline, whatever the browser cached about the page.
const serve: APIRoute = async ({ params, request, cookies }) => {
  const deny = (status: number, message: string) =>
    new Response(message, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'private, no-store' } });
  const buyer = await currentBuyer(cookies);
  if (!buyer) return deny(401, 'Sign in to watch this recording.');
  const access = await accessTo(buyer.email, params.product ?? '');
  if (!access.access) return deny(403, 'Your access to this recording has ended, or this account does not have it.');
  const media = findMedia(params.product ?? '', params.file ?? '');
  if (!media) return deny(404, 'No such file.');
  return streamMedia(request, media);
};

export const GET = serve;
export const HEAD = serve;
