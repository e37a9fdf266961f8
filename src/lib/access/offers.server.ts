import { offerCard, offerLifetime, offerLine, offerProducts, offerState, testimonialOf, type OfferCard } from '../catalog/offer.ts';
import { pick } from '../catalog/product.ts';
import { getProduct, getProducts } from '../catalog/products.server.ts';
import { getSite } from '../core/site.server.ts';
import type { Lang } from '../../i18n/lang.ts';
import { offeredProducts } from '../notes/validate.ts';
import { seatsTaken } from '../payments/purchases.server.ts';

// The <Offer> of a Note page, live: decided at each render from the clock and the seat counts in
// the database, and a page lifetime that ends when the clock alone would change it (docs/decisions/024).

export interface OfferView {
  card?: OfferCard;
  /** variant="line": the short state after the author's words; undefined when nothing is on sale */
  line?: string;
}

async function seatCounts(productId: string, now: number) {
  const counts = new Map<string, ReadonlyMap<string, number>>();
  for (const p of offerProducts(getProducts(), productId)) if (p.cohorts.length > 0) counts.set(p.id, await seatsTaken(p.id, now));
  return (id: string) => counts.get(id);
}

export async function offerView(productId: string, lang: Lang, now: number): Promise<OfferView> {
  const site = getSite();
  const state = offerState(getProducts(), productId, now, await seatCounts(productId, now));
  // The build refused an unknown id (content-check); a product file removed since shows nothing.
  if (!state) return {};
  return { card: offerCard(state, lang, site.defaultLanguage, now), line: offerLine(state, lang, site.defaultLanguage, now) };
}

export function testimonialView(productId: string, author: string | undefined, lang: Lang) {
  const product = getProduct(productId);
  const x = product && testimonialOf(product, author);
  if (!x) return undefined;
  const d = getSite().defaultLanguage;
  return { quote: pick(x.quote, lang, d), author: x.author, role: pick(x.role, lang, d) };
}

/**
 * Route-cache options for a Note page whose body may hold Offers: the catalog's own lifetime,
 * shortened to the next moment an Offer changes by the clock; not cached at all while a seat count
 * can change what it shows (a cohort still selling), so "full" shows on the next request.
 */
export function noteCacheOptions(body: string, catalogCache: { maxAge: number; tags: string[] }, now: number): { maxAge: number; tags: string[] } | false {
  const ids = offeredProducts(body);
  if (ids.length === 0) return catalogCache;
  const { until, seats } = offerLifetime(getProducts(), ids, now);
  if (seats) return false;
  // Whole seconds, rounded down: the copy expires before the change, never after it; in the last
  // second before it, every request renders.
  const maxAge = until === undefined ? catalogCache.maxAge : Math.min(catalogCache.maxAge, Math.floor((until - now) / 1000));
  return maxAge > 0 ? { maxAge, tags: [...catalogCache.tags, ...ids.map((id) => `offer:${id}`)] } : false;
}
