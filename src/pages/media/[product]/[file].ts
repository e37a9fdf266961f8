import type { APIRoute } from 'astro';
import { sessionAccess } from '../../../lib/access/access.server.ts';
import { streamMedia } from '../../../lib/access/media.server.ts';
import { sessionToken } from '../../../lib/auth/session.server.ts';
import { findMedia } from '../../../lib/catalog/media.server.ts';
import { getSite } from '../../../lib/core/site.server.ts';
import { t } from '../../../i18n/text.ts';

// Checked at every request, Range requests included: a copied link works for nobody else and
// stops at the deadline, whatever the browser cached about the page.
const serve: APIRoute = async ({ params, request, cookies }) => {
  const lang = getSite().defaultLanguage;
  const deny = (status: number, message: string) =>
    new Response(message, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'private, no-store' } });
  const access = await sessionAccess(sessionToken(cookies), params.product ?? '');
  if (!access.email) return deny(401, t(lang, 'media.signIn'));
  if (!access.access) return deny(403, t(lang, 'media.noAccess'));
  const media = findMedia(params.product ?? '', params.file ?? '');
  if (!media) return deny(404, t(lang, 'media.missing'));
  return streamMedia(request, media);
};

export const GET = serve;
export const HEAD = serve;
