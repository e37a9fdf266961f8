import type { APIRoute } from 'astro';
import { pageLang } from '../../../app/page-lang.ts';
import { certificateImage } from '../../../lib/access/certificate-image.server.ts';
import { certificateById, certificateView } from '../../../lib/access/certificates.server.ts';
import { getSite } from '../../../lib/core/site.server.ts';
import { t } from '../../../i18n/text.ts';

// /certificates/<id>/og.png: the certificate's share card, in the page's language. Looked up on
// every request: a revoked certificate's card is gone (410) as its page says.
export const GET: APIRoute = async (context) => {
  const lang = pageLang(context);
  const row = await certificateById(context.params.id ?? '');
  if (!row) return new Response('no such certificate\n', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' } });
  if (row.revokedAt !== null) return new Response('this certificate was revoked\n', { status: 410, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' } });
  const site = getSite();
  const view = certificateView(row, lang);
  const png = await certificateImage(`${row.id}/${lang}`, view, {
    kicker: t(lang, 'certificate.kicker'),
    programme: view.programme,
    cohort: view.cohort && view.cohortStart ? t(lang, 'certificate.cohortFrom', { cohort: view.cohort, date: view.cohortStart }) : view.cohort,
    issuedBy: `${t(lang, 'certificate.issuedBy', { author: site.author.name, site: site.title })} · ${view.issued}`,
    site: site.title,
  });
  // no-cache: a revocation must reach whoever asks again; the image itself is kept in memory.
  return new Response(new Uint8Array(png), { headers: { 'Content-Type': 'image/png', 'Content-Length': String(png.byteLength), 'Cache-Control': 'no-cache', 'Referrer-Policy': 'same-origin' } });
};
