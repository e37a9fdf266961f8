import { availability, type UnavailableReason } from '../catalog/availability.ts';
import { descriptionHtml } from '../catalog/description.ts';
import { checkoutPath, libraryPath, salesPath } from '../catalog/paths.ts';
import { pick, salesSection, type Product } from '../catalog/product.ts';
import { getProduct } from '../catalog/products.server.ts';
import { nowMs } from '../core/clock.ts';
import { getSite } from '../core/site.server.ts';
import { deadlineLabel, deadlineSentence, formatPrice } from '../../i18n/format.ts';
import type { Lang } from '../../i18n/lang.ts';
import type { TextKey } from '../../i18n/text.ts';
import type { CheckoutOutcome } from '../payments/checkout.server.ts';
import { seatsTaken } from '../payments/purchases.server.ts';
import { paymentsEnabled } from '../payments/stripe.server.ts';
import { accessTo } from './access.server.ts';

// Everything a sales page shows, computed with the same availability rule the checkout enforces.

/** Why a product (or a checkout) is not on offer: what the page and the refused checkout both say. */
export type ClosedReason = UnavailableReason | Extract<CheckoutOutcome, { ok: false; status: 409 | 429 | 503 }>['reason'];

export const CLOSED_TEXT: Record<ClosedReason, TextKey> = {
  not_open: 'shop.closed.not_open',
  closed: 'shop.closed.closed',
  deadline_passed: 'shop.closed.deadline_passed',
  sold_out: 'shop.closed.sold_out',
  unknown_cohort: 'shop.closed.unknown_cohort',
  payments_off: 'shop.closed.payments_off',
  stripe_unavailable: 'shop.closed.stripe_unavailable',
  too_many: 'shop.closed.too_many',
  seats_held: 'shop.closed.seats_held',
};

export interface CohortView {
  id: string;
  title: string;
  starts: string;
  accessUntil: string;
  seats: number;
  seatsLeft: number;
  open: boolean;
  reason?: UnavailableReason;
}

export interface SalesView {
  product: Product;
  lang: Lang;
  title: string;
  summary: string;
  descriptionHtml: string;
  includes: string[];
  priceLabel?: string;
  /** "You have until 6 p.m. on Friday, March 26 to access the recording." */
  deadline?: { sentence: string; at: number };
  accessDays?: number;
  available: boolean;
  reason?: UnavailableReason | 'payments_off';
  cohorts: CohortView[];
  chapters: { at: number; title: string }[];
  testimonials: { quote: string; author: string; role: string }[];
  owned: boolean;
  libraryPath: string;
  alternates: { lang: Lang; path: string }[];
  path: string;
  checkoutPath: string;
}

export async function salesView(productId: string | undefined, section: 'workshops' | 'certification', lang: Lang, buyerEmail?: string): Promise<SalesView | undefined> {
  const product = productId ? getProduct(productId) : undefined;
  if (!product || salesSection(product) !== section) return undefined;
  const site = getSite();
  const d = site.defaultLanguage;
  const now = nowMs();
  const taken = await seatsTaken(product.id, now);
  const overall = availability(product, now, taken);
  const access = await accessTo(buyerEmail, product.id);
  const cohorts: CohortView[] = product.cohorts.map((c) => {
    const a = availability(product, now, taken, c.id);
    return {
      id: c.id,
      title: pick(c.title, lang, d) || c.id,
      starts: deadlineLabel(lang, c.starts.at, product.timeZone, now),
      accessUntil: deadlineLabel(lang, c.accessUntil.at, product.timeZone, now),
      seats: c.seats,
      seatsLeft: Math.max(0, c.seats - (taken.get(c.id) ?? 0)),
      open: a.ok,
      reason: a.ok ? undefined : a.reason,
    };
  });
  const fixedDeadline = product.access && 'until' in product.access ? product.access.until.at : overall.ok && overall.cohort ? overall.cohort.accessUntil.at : undefined;
  const enabled = paymentsEnabled();
  return {
    product,
    lang,
    title: pick(product.title, lang, d),
    summary: pick(product.summary, lang, d),
    descriptionHtml: descriptionHtml(pick(product.description, lang, d)),
    includes: product.includes[lang] ?? product.includes[d] ?? [],
    priceLabel: product.amount !== undefined && product.currency ? formatPrice(lang, product.amount, product.currency) : undefined,
    deadline: fixedDeadline === undefined || fixedDeadline <= now ? undefined : { sentence: deadlineSentence(lang, product.kind, fixedDeadline, product.timeZone, now), at: fixedDeadline },
    accessDays: product.access && 'days' in product.access ? product.access.days : undefined,
    available: overall.ok && enabled,
    reason: !overall.ok ? overall.reason : enabled ? undefined : 'payments_off',
    cohorts,
    chapters: product.chapters.map((c) => ({ at: c.at, title: pick(c.title, lang, d) })),
    testimonials: product.testimonials.map((x) => ({ quote: pick(x.quote, lang, d), author: x.author, role: pick(x.role, lang, d) })),
    owned: access.access,
    libraryPath: libraryPath(lang, product.id),
    alternates: site.languages.filter((l) => l !== lang).map((l) => ({ lang: l, path: salesPath(product, l) })),
    path: salesPath(product, lang),
    checkoutPath: checkoutPath(product.id),
  };
}
