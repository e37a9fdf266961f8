// /notes/<number>-<slug>/share.png: the Note's Open Graph image, only while the Note is public.
import type { APIRoute } from 'astro';
import { pageLang } from '../../../app/page-lang.ts';
import { loadShareImage } from '../../../lib/notes/share-image-page.server.ts';

export const GET: APIRoute = async (context) => {
  const result = await loadShareImage(pageLang(context), context.params.note);
  if (result.kind === 'redirect') return context.redirect(result.location, 301);
  // Until the next Note's moment, like the Note's own 404: a scheduled Note's image appears with it.
  if (result.kind === 'not-found') {
    context.cache.set(result.cache);
    return new Response(null, { status: 404 });
  }
  // The same bytes until the next build; a day lets a retitled Note's card show within one.
  return new Response(new Uint8Array(result.png), { headers: { 'Content-Type': 'image/png', 'Cache-Control': 'public, max-age=86400' } });
};
