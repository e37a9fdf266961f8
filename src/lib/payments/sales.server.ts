import { accessTo } from '../access/access.server.ts';
import { availability, deadlineLabel, deadlineSentence, formatPrice, type UnavailableReason } from '../access/deadlines.ts';
import { nowMs } from '../clock.ts';
import { getSite } from '../site.server.ts';
import { libraryPath, salesPath } from './paths.server.ts';
import { descriptionHtml } from './description.ts';
import { pick, salesSection, type Product } from './product.ts';
import { getProduct } from './products.server.ts';
import { seatsTaken } from './purchases.server.ts';
import { paymentsEnabled } from './stripe.server.ts';

// Everything a sales page shows, computed with the same availability rule the checkout enforces.

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
  lang: string;
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
  alternates: { lang: string; path: string }[];
  path: string;
}

export async function salesView(productId: string | undefined, section: string, lang: string, buyerEmail?: string): Promise<SalesView | undefined> {
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
  };
}

/** "1:05" / "1:02:03" */
export function formatTimestamp(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}
