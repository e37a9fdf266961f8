import { renderShareImage } from '../core/share-image.server.ts';
import type { CertificateView } from './certificates.server.ts';

// The certificate's Open Graph card (1200×630 PNG), drawn at request time by the same code as a
// Note's share image (src/lib/core/share-image.server.ts, fonts from npm, not the host's) and
// kept in memory: a certificate's words never change, and a revoked one gets no image
// (docs/decisions/032).

const cache = new Map<string, Buffer>();
const CACHE_MAX = 500;

export interface CardText {
  kicker: string;
  programme: string;
  cohort?: string;
  issuedBy: string;
  site: string;
}

export async function certificateImage(key: string, view: Pick<CertificateView, 'name'>, text: CardText): Promise<Buffer> {
  const known = cache.get(key);
  if (known) return known;
  const png = await renderShareImage({
    kicker: text.kicker,
    title: view.name,
    lines: text.cohort ? [text.programme, text.cohort] : [text.programme],
    byline: text.issuedBy,
    site: text.site,
  });
  if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
  cache.set(key, png);
  return png;
}
