import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { minorUnitFactor } from '../core/money.ts';
import { isValidTimeZone, zonedTimeToEpoch } from '../core/time.ts';

// A product is content: content/products/<id>.yaml, validated here at build, at start-up and by
// the CLI. Everything about money and deadlines the rest of the code needs is derived from it.

export interface Moment {
  /** as written, e.g. "2027-03-26T18:00 Europe/Rome" */
  text: string;
  at: number;
  timeZone: string;
}

const MOMENT = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?\s+(\S+)$/;

/** "2027-03-26T18:00 Europe/Rome" (a date alone means 00:00) → the instant, in that zone. */
export function parseMoment(text: string): Moment | undefined {
  const m = MOMENT.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', timeZone] = m;
  if (!/^(UTC|[A-Z][A-Za-z_+-]*(\/[A-Za-z0-9_+-]+)+)$/.test(timeZone!) || !isValidTimeZone(timeZone!)) return undefined;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined;
  // Reject impossible days (Feb 30) rather than rolling them over.
  if (new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day) return undefined;
  return { text: text.trim(), at: zonedTimeToEpoch(timeZone!, year, month, day, hour, minute, second), timeZone: timeZone! };
}

const moment = z
  .string({ error: 'expected a moment like "2027-03-26T18:00 Europe/Rome"' })
  .transform((text, ctx) => {
    const parsed = parseMoment(text);
    if (!parsed) {
      ctx.addIssue({ code: 'custom', message: `"${text}" is not a moment like "2027-03-26T18:00 Europe/Rome" (date, time, IANA time zone)` });
      return z.NEVER;
    }
    return parsed;
  });

const perLanguage = z.record(z.string(), z.string().min(1));
const perLanguageList = z.record(z.string(), z.array(z.string().min(1)));
const id = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'use lowercase letters, digits and dashes');
/** a plain file name: no directories, so a URL can never reach outside the product's folder */
const fileName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$/, 'a plain file name (letters, digits, dot, dash, underscore)').refine((f) => !f.includes('..'), 'a plain file name');

const TIMESTAMP = /^(?:(\d+):)?(\d{1,2}):(\d{2})$/;
const timestamp = z.string().transform((text, ctx) => {
  const m = TIMESTAMP.exec(text.trim());
  if (!m) {
    ctx.addIssue({ code: 'custom', message: `"${text}" is not a time like 1:05 or 1:02:03` });
    return z.NEVER;
  }
  return Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]);
});

const mediaSchema = z.union([
  z.object({ file: fileName, title: perLanguage.optional(), type: z.string().regex(/^(video|audio)\/[a-z0-9.+-]+$|^application\/pdf$/, 'a video/…, audio/… or application/pdf type').optional() }).strict(),
  z.object({ url: z.url({ protocol: /^https$/, error: 'must be an https URL' }), title: perLanguage.optional() }).strict(),
]);

const cohortSchema = z
  .object({
    id,
    title: perLanguage.optional(),
    starts: moment,
    /** sales for the cohort close here; default: when it starts */
    salesClose: moment.optional(),
    accessUntil: moment,
    seats: z.number().int().min(1).max(100_000),
  })
  .strict();

export const productSchema = z
  .object({
    kind: z.enum(['workshop', 'certification']),
    title: perLanguage,
    summary: perLanguage,
    description: perLanguage,
    includes: perLanguageList.default({}),
    /** the zone deadlines are shown in; default: the access deadline's own zone, else the site's */
    timeZone: z.string().refine(isValidTimeZone, 'not a known IANA time zone').optional(),
    /** in the currency's major unit (97 = €97.00) */
    price: z.number().positive().max(1_000_000).optional(),
    currency: z
      .string()
      .regex(/^[A-Za-z]{3}$/, 'a three-letter ISO currency code such as EUR')
      .transform((c) => c.toUpperCase())
      .optional(),
    /** a Stripe Price to charge instead of `price` (then `price` is only what the page shows) */
    stripePrice: z.string().regex(/^price_[A-Za-z0-9]+$/, 'a Stripe price id such as price_1Abc').optional(),
    sales: z.object({ opens: moment.optional(), closes: moment.optional() }).strict().default({}),
    // One object (not a union) so a bad moment is reported as access.until with its own message.
    access: z
      .object({ until: moment.optional(), days: z.number().int().min(1).max(36_500).optional() })
      .strict()
      .refine((a) => (a.until === undefined) !== (a.days === undefined), 'set exactly one of until or days')
      .transform((a): { until: Moment } | { days: number } => (a.until ? { until: a.until } : { days: a.days! }))
      .optional(),
    cohorts: z.array(cohortSchema).default([]),
    media: z.array(mediaSchema).default([]),
    chapters: z.array(z.object({ at: timestamp, title: perLanguage }).strict()).default([]),
    testimonials: z.array(z.object({ quote: perLanguage, author: z.string().min(1), role: perLanguage.optional() }).strict()).default([]),
    /** what a buyer whose access ended is offered next (another product id) */
    next: id.optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.price === undefined && !p.stripePrice) ctx.addIssue({ code: 'custom', path: ['price'], message: 'set price (with currency) or stripePrice' });
    if (p.price !== undefined && !p.currency) ctx.addIssue({ code: 'custom', path: ['currency'], message: 'is required with price' });
    if (p.kind === 'workshop' && !p.access) ctx.addIssue({ code: 'custom', path: ['access'], message: 'a workshop needs an access rule: until "<date>T<time> <Zone>" or days' });
    if (p.kind === 'certification' && p.cohorts.length === 0) ctx.addIssue({ code: 'custom', path: ['cohorts'], message: 'a certification needs at least one cohort' });
    if (p.kind === 'workshop' && p.cohorts.length > 0) ctx.addIssue({ code: 'custom', path: ['cohorts'], message: 'only a certification has cohorts' });
    const seen = new Set<string>();
    p.cohorts.forEach((c, i) => {
      if (seen.has(c.id)) ctx.addIssue({ code: 'custom', path: ['cohorts', i, 'id'], message: `duplicate cohort id "${c.id}"` });
      seen.add(c.id);
      if (c.accessUntil.at <= c.starts.at) ctx.addIssue({ code: 'custom', path: ['cohorts', i, 'accessUntil'], message: 'must be after starts' });
    });
    if (p.sales.opens && p.sales.closes && p.sales.closes.at <= p.sales.opens.at) ctx.addIssue({ code: 'custom', path: ['sales', 'closes'], message: 'must be after opens' });
  });

export type ProductData = z.infer<typeof productSchema>;
export type Cohort = ProductData['cohorts'][number];
export type Media = ProductData['media'][number];

export interface Product extends ProductData {
  id: string;
  /** the zone every deadline of this product is shown in */
  timeZone: string;
  /** price in the currency's minor unit, when the product states one */
  amount?: number;
}

export class ProductError extends Error {}

/**
 * Parses one product file; errors name the file and the field. `languages`: every text field must
 * have the default language (the first); others fall back to it.
 */
export function parseProduct(productId: string, text: string, file: string, opts: { languages: readonly string[]; siteTimeZone: string }): Product {
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(productId)) throw new ProductError(`${file}: the file name must be a product id (lowercase letters, digits, dashes)`);
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new ProductError(`${file}: not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  const result = productSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new ProductError(`${file}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const data = result.data;
  const defaultLang = opts.languages[0]!;
  // Every text shown to buyers: the default language is required (others fall back to it) and
  // no language the site does not have.
  const texts: [string, Record<string, unknown> | undefined][] = [
    ['title', data.title],
    ['summary', data.summary],
    ['description', data.description],
    ['includes', Object.keys(data.includes).length > 0 ? data.includes : undefined],
    ...data.chapters.map((c, i): [string, Record<string, unknown>] => [`chapters.${i}.title`, c.title]),
    ...data.cohorts.map((c, i): [string, Record<string, unknown> | undefined] => [`cohorts.${i}.title`, c.title]),
    ...data.media.map((m, i): [string, Record<string, unknown> | undefined] => [`media.${i}.title`, m.title]),
    ...data.testimonials.flatMap((x, i): [string, Record<string, unknown> | undefined][] => [
      [`testimonials.${i}.quote`, x.quote],
      [`testimonials.${i}.role`, x.role],
    ]),
  ];
  for (const [field, value] of texts) {
    if (!value) continue;
    if (!value[defaultLang]) throw new ProductError(`${file}: ${field}.${defaultLang}: is required (the default language)`);
    for (const lang of Object.keys(value)) {
      if (!opts.languages.includes(lang)) throw new ProductError(`${file}: ${field}.${lang}: "${lang}" is not one of the site's languages (${opts.languages.join(', ')})`);
    }
  }
  if (data.next === productId) throw new ProductError(`${file}: next: cannot be the product itself`);
  const accessZone = data.access && 'until' in data.access ? data.access.until.timeZone : data.cohorts[0]?.accessUntil.timeZone;
  const timeZone = data.timeZone ?? accessZone ?? opts.siteTimeZone;
  const amount = data.price !== undefined && data.currency ? Math.round(data.price * minorUnitFactor(data.currency)) : undefined;
  return { ...data, id: productId, timeZone, amount };
}

/** The text in a language, falling back to the default language's. */
export function pick(texts: Record<string, string> | undefined, lang: string, fallbackLang: string): string {
  return texts?.[lang] ?? texts?.[fallbackLang] ?? '';
}

/** The cohort a purchase belongs to; undefined for a row without one (or a cohort since removed). */
export function cohortOf(product: Pick<Product, 'cohorts'>, cohortId: string | null | undefined): Cohort | undefined {
  return cohortId ? product.cohorts.find((c) => c.id === cohortId) : undefined;
}

export function cohortTitle(cohort: Cohort, lang: string, fallbackLang: string): string {
  return pick(cohort.title, lang, fallbackLang) || cohort.id;
}

/** The path segment of the sales page: /workshops/<id>/ or /certification/<id>/. */
export function salesSection(product: Pick<Product, 'kind'>): 'workshops' | 'certification' {
  return product.kind === 'workshop' ? 'workshops' : 'certification';
}
