import { offerCard, offerLifetime, offerLine, offerProducts, offerState, testimonialOf, type OfferCard } from '../catalog/offer.ts';
import { pick } from '../catalog/product.ts';
import { getProduct, getProducts } from '../catalog/products.server.ts';
import { getSite } from '../core/site.server.ts';
import type { Lang } from '../../i18n/lang.ts';
import { offeredProducts } from '../notes/validate.ts';
import { createHash } from 'node:crypto';
import { databaseChangeMarkThisTurn } from '../core/db/client.server.ts';
import { seatsTaken } from '../payments/purchases.server.ts';

// The <Offer> of a Note page, live: decided at each render from the clock and the seat counts in
// the database, and a page lifetime that ends when the clock alone would change it (docs/decisions/024).

export interface OfferView {
  card?: OfferCard;
  /** variant="line": the short state after the author's words; undefined when nothing is on sale */
  line?: string;
}

export type SeatCounts = ReadonlyMap<string, ReadonlyMap<string, number>>;

async function seatCounts(productId: string, now: number, known?: SeatCounts) {
  const counts = new Map<string, ReadonlyMap<string, number>>();
  for (const p of offerProducts(getProducts(), productId)) if (p.cohorts.length > 0) counts.set(p.id, known?.get(p.id) ?? (await seatsTaken(p.id, now)));
  return (id: string) => counts.get(id);
}

/**
 * known: the counts the page read once for all its Offers (pageSeats), so what it shows is what
 * its cache variant names; without them each Offer asks the database.
 */
export async function offerView(productId: string, lang: Lang, now: number, known?: SeatCounts): Promise<OfferView> {
  const site = getSite();
  const state = offerState(getProducts(), productId, now, await seatCounts(productId, now, known));
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
 * shortened to the next moment an Offer changes by the clock; not cached by its path while a seat
 * count can change what it shows (a cohort still selling), so "full" shows on the next request:
 * such a page is kept per seat count instead (pageSeats, docs/decisions/029).
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

/** The products with cohorts whose seat counts the Offers of this body show. */
function seatProducts(productIds: readonly string[]): string[] {
  const out = new Set<string>();
  for (const id of productIds) for (const p of offerProducts(getProducts(), id)) if (p.cohorts.length > 0) out.add(p.id);
  return [...out].sort();
}

async function countSeats(products: readonly string[], now: number): Promise<Map<string, ReadonlyMap<string, number>>> {
  const counts = new Map<string, ReadonlyMap<string, number>>();
  for (const id of products) counts.set(id, await seatsTaken(id, now));
  return counts;
}

function seatVariantOf(counts: SeatCounts): string {
  const parts: string[] = [];
  for (const [id, cohorts] of [...counts].sort(([a], [b]) => a.localeCompare(b))) {
    parts.push(`${id}:${[...cohorts].sort(([a], [b]) => a.localeCompare(b)).map(([c, n]) => `${c}=${n}`).join(',')}`);
  }
  return createHash('sha1').update(parts.join(';')).digest('base64url');
}

export interface PageSeats {
  /** read once, for every Offer of the page */
  counts: SeatCounts;
  /** names these counts: the page is kept per variant and served again while they hold */
  variant: string;
  products: string[];
  maxAge: number;
  tags: string[];
}

/**
 * For a Note page whose Offers show live seat counts (noteCacheOptions said "not cached"): the
 * counts, read once, and the variant they name, so the page can be kept per seat state and the
 * front serve it again after the same counts are read (docs/decisions/029). undefined: nothing
 * here depends on seats, or the page changes within the second.
 */
export async function pageSeats(body: string, catalogCache: { maxAge: number; tags: string[] }, now: number): Promise<PageSeats | undefined> {
  const ids = offeredProducts(body);
  if (ids.length === 0) return undefined;
  const { until, seats } = offerLifetime(getProducts(), ids, now);
  if (!seats) return undefined;
  const maxAge = until === undefined ? catalogCache.maxAge : Math.min(catalogCache.maxAge, Math.floor((until - now) / 1000));
  if (maxAge <= 0) return undefined;
  const products = seatProducts(ids);
  const counts = await countSeats(products, now);
  return { counts, variant: seatVariantOf(counts), products, maxAge, tags: [...catalogCache.tags, ...ids.map((id) => `offer:${id}`)] };
}

// The last counts read per set of products, with the database's change mark at that moment.
const recent = new Map<string, { mark: string; now: number; wall: number; variant: string }>();
/** A hold expires by the clock, with no write: counts are read again at least this often. */
const RECOUNT_MS = 1000;

/**
 * The variant of a seat-dependent page for the counts now: the front asks this per request. The
 * counts are read again whenever the database may have changed (any commit, from any process:
 * databaseChangeMarkThisTurn), the clock moved, or a second has passed; otherwise the last reading holds.
 * The counting query grows with the purchases; the mark does not.
 */
export function seatsVariant(products: readonly string[], now: number): string | Promise<string> {
  const key = products.join(',');
  const mark = databaseChangeMarkThisTurn();
  const wall = Date.now();
  const last = recent.get(key);
  // Answered at once when nothing changed (no promise: this is every request to such a Note).
  if (mark !== undefined && last && last.mark === mark && Math.abs(now - last.now) < RECOUNT_MS && wall - last.wall < RECOUNT_MS) return last.variant;
  return countSeats(products, now).then((counts) => {
    const variant = seatVariantOf(counts);
    // The mark taken before the query: a write during it makes the next request count again.
    if (mark !== undefined) recent.set(key, { mark, now, wall, variant });
    return variant;
  });
}

// The counts a page read for its Offers, by request (the Offer components render inside it).
const pageCounts = new WeakMap<Request, SeatCounts>();
export function rememberSeats(request: Request, counts: SeatCounts): void {
  pageCounts.set(request, counts);
}
export function rememberedSeats(request: Request): SeatCounts | undefined {
  return pageCounts.get(request);
}
