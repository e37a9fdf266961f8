import { calendarDay, deadlineLabel, deadlineSentence, formatPrice } from '../../i18n/format.ts';
import type { Lang } from '../../i18n/lang.ts';
import { t, type TextKey } from '../../i18n/text.ts';
import { availability, type UnavailableReason } from './availability.ts';
import { salesPath } from './paths.ts';
import { pick, type Cohort, type Product } from './product.ts';

// What an <Offer product="…" /> in a Note shows, decided from the product, the one clock and the
// seat counts: the same availability rule the sales page and the checkout use, so a Note never
// sells what the checkout would refuse (docs/decisions/024). Pure: the caller passes the time and
// the seat counts (the web page reads them per request; an email has none, see 024).

/** Seats taken per cohort id of one product; undefined: not counted (an email). */
export type SeatCounts = (productId: string) => ReadonlyMap<string, number> | undefined;

export type OfferState =
  | { state: 'open'; product: Product; cohort?: Cohort; seatsLeft?: number; accessUntil: number | null }
  /** the product asked for is over; its `next` product is on sale instead */
  | { state: 'next'; asked: Product; reason: UnavailableReason; product: Product; cohort?: Cohort; seatsLeft?: number; accessUntil: number | null }
  | { state: 'closed'; product: Product; reason: UnavailableReason };

// `not_open` is not "over": the Note keeps pointing at the product until its sale opens.
const OVER: ReadonlySet<UnavailableReason> = new Set(['closed', 'deadline_passed', 'sold_out']);

export function offerState(products: ReadonlyMap<string, Product>, productId: string, now: number, seats: SeatCounts = () => undefined): OfferState | undefined {
  const asked = products.get(productId);
  if (!asked) return undefined;
  const a = availability(asked, now, seats(asked.id) ?? new Map());
  if (a.ok) return { state: 'open', product: asked, cohort: a.cohort, seatsLeft: seats(asked.id) ? a.seatsLeft : undefined, accessUntil: a.accessUntil };
  if (OVER.has(a.reason)) {
    // Follow `next` until something is on sale; the loader refuses a product naming itself, and
    // the visited set stops a longer loop.
    const seen = new Set([asked.id]);
    for (let next = asked.next && products.get(asked.next); next && !seen.has(next.id); next = next.next ? products.get(next.next) : undefined) {
      seen.add(next.id);
      const n = availability(next, now, seats(next.id) ?? new Map());
      if (n.ok) return { state: 'next', asked, reason: a.reason, product: next, cohort: n.cohort, seatsLeft: seats(next.id) ? n.seatsLeft : undefined, accessUntil: n.accessUntil };
    }
  }
  return { state: 'closed', product: asked, reason: a.reason };
}

/** The moments at which availability can change by the clock alone. */
function moments(p: Product): number[] {
  const out = [p.sales.opens?.at, p.sales.closes?.at];
  if (p.access && 'until' in p.access) out.push(p.access.until.at);
  for (const c of p.cohorts) out.push((c.salesClose ?? c.starts).at, c.accessUntil.at);
  return out.filter((x): x is number => x !== undefined);
}

/** The products whose state an Offer of `productId` depends on: itself and its `next` chain. */
export function offerProducts(products: ReadonlyMap<string, Product>, productId: string): Product[] {
  const out: Product[] = [];
  for (let p = products.get(productId); p && !out.includes(p); p = p.next ? products.get(p.next) : undefined) out.push(p);
  return out;
}

/**
 * How long a page showing these Offers stays right: `until`, the next moment the clock alone
 * changes one of them (undefined: never), and `seats`, whether seat counts can still change what
 * it shows (a cohort still selling), which no lifetime can predict.
 */
export function offerLifetime(products: ReadonlyMap<string, Product>, productIds: readonly string[], now: number): { until?: number; seats: boolean } {
  let until: number | undefined;
  let seats = false;
  for (const id of productIds) {
    for (const p of offerProducts(products, id)) {
      for (const at of moments(p)) if (at > now && (until === undefined || at < until)) until = at;
      const salesOpen = !p.sales.closes || now < p.sales.closes.at;
      if (salesOpen && p.cohorts.some((c) => now < (c.salesClose ?? c.starts).at && now < c.accessUntil.at)) seats = true;
    }
  }
  return { until, seats };
}

/** Everything an Offer shows, as text in the reader's language: the page and the email render this. */
export interface OfferCard {
  state: OfferState['state'];
  /** the product shown (the `next` one when the asked product is over) */
  productId: string;
  kind: Product['kind'];
  kicker: string;
  title: string;
  summary: string;
  priceLabel?: string;
  /** "You have until 6 p.m. on Friday, March 26, 2027 to access the recording." */
  deadline?: string;
  /** ISO instant of the deadline, for <time datetime> */
  deadlineIso?: string;
  /** "Spring 2027 cohort · Starts at 9 a.m. on Monday, March 1, 2027 (Italy Time)" */
  cohort?: string;
  /** "3 of 12 seats left" (web only: an email does not count seats) */
  seats?: string;
  /** the button's words when the author gave none */
  cta: string;
  /** the sales page in the reader's language; undefined when closed */
  path?: string;
  /** why the product asked for is not on offer ("Sales are closed."), shown above a `next` product or alone */
  notice?: string;
}

const closedKey = (reason: UnavailableReason): TextKey => `shop.closed.${reason}`;

export function offerCard(offer: OfferState, lang: Lang, defaultLang: string, now: number): OfferCard {
  const p = offer.product;
  const base = {
    state: offer.state,
    productId: p.id,
    kind: p.kind,
    kicker: t(lang, p.kind === 'workshop' ? 'shop.workshop' : 'shop.certification'),
    title: pick(p.title, lang, defaultLang),
    summary: pick(p.summary, lang, defaultLang),
    priceLabel: p.amount !== undefined && p.currency ? formatPrice(lang, p.amount, p.currency) : undefined,
    cta: t(lang, p.kind === 'workshop' ? 'offer.ctaWorkshop' : 'offer.ctaCertification'),
  };
  if (offer.state === 'closed') {
    const opens = offer.reason === 'not_open' ? p.sales.opens : undefined;
    const notice = opens ? t(lang, 'offer.opens', { date: deadlineLabel(lang, opens.at, p.timeZone, now) }) : t(lang, closedKey(offer.reason) as 'shop.closed.closed');
    // A sale not open yet still has its page to look at; one that is over has nothing to sell.
    return { ...base, notice, path: offer.reason === 'not_open' ? salesPath(p, lang) : undefined };
  }
  const card: OfferCard = { ...base, path: salesPath(p, lang) };
  if (offer.state === 'next') card.notice = t(lang, 'offer.over', { product: pick(offer.asked.title, lang, defaultLang) });
  if (offer.cohort) {
    const title = pick(offer.cohort.title, lang, defaultLang) || offer.cohort.id;
    card.cohort = `${title} · ${t(lang, 'shop.cohortStarts', { date: deadlineLabel(lang, offer.cohort.starts.at, p.timeZone, now) })}`;
    if (offer.seatsLeft !== undefined) card.seats = t(lang, 'shop.seatsLeft', { n: offer.seatsLeft, total: offer.cohort.seats });
  } else if (offer.accessUntil !== null) {
    card.deadline = deadlineSentence(lang, p.kind, offer.accessUntil, p.timeZone, now);
    card.deadlineIso = new Date(offer.accessUntil).toISOString();
  } else if (p.access && 'days' in p.access) {
    card.deadline = t(lang, 'shop.accessDays', { days: p.access.days });
  }
  return card;
}

/** The short form for `variant="line"`: "Autumn 2027 cohort, from Monday, September 20, 2027 · €1,200.00". */
export function offerLine(offer: OfferState, lang: Lang, defaultLang: string, now: number): string | undefined {
  if (offer.state === 'closed') return undefined;
  const p = offer.product;
  const parts: string[] = [];
  if (offer.cohort) parts.push(t(lang, 'offer.cohortFrom', { cohort: pick(offer.cohort.title, lang, defaultLang) || offer.cohort.id, day: calendarDay(lang, offer.cohort.starts.at, p.timeZone, now) }));
  if (p.amount !== undefined && p.currency) parts.push(formatPrice(lang, p.amount, p.currency));
  return parts.join(' · ') || undefined;
}

/** A participant's words from the product file, for <Testimonial product="…" author="…" />. */
export function testimonialOf(product: Product, author: string | undefined): Product['testimonials'][number] | undefined {
  return author === undefined ? product.testimonials[0] : product.testimonials.find((x) => x.author === author);
}
