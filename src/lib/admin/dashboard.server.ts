import { and, count, desc, eq, gt, gte, inArray, isNotNull, lt, lte, ne, notInArray, or, sql, type SQL } from 'drizzle-orm';
import { pick } from '../catalog/product.ts';
import { getProducts, productTitle } from '../catalog/products.server.ts';
import { nowMs } from '../core/clock.ts';
import { getDb } from '../core/db/client.server.ts';
import { appSettings, purchases, sends, subscribers, type SubscriberStatus } from '../core/db/schema.ts';
import { getSite } from '../core/site.server.ts';
import { wallTimeIn, zonedTimeToEpoch } from '../core/time.ts';
import type { NoteCatalog } from '../notes/catalog.ts';
import { holdsSeat } from '../payments/purchases.server.ts';
import { fixedCount, LAST_RUN_KEY, parseLastRun } from '../payments/reconcile.server.ts';
import { paymentsEnabled } from '../payments/stripe.server.ts';
import type { Lang } from '../../i18n/lang.ts';
import { growthFrom, WEEK_MS, weekStarts, type Growth } from './growth.ts';
import { sendRates, type Level, type Rate, type SendCounts } from './rates.ts';
import { newsletterSchedule, type ScheduledSend } from './schedule.ts';

// The dashboard's read model: ten queries at most, whatever the number of subscribers, sends
// or purchases (each one aggregates in SQLite and returns a few dozen rows). Numbers and moments
// only; the page words and formats them.

export const LAST_SENDS = 8;
export const ENDING_WITHIN_MS = 7 * 86_400_000;
export const ENDING_SHOWN = 20;

const LOST: SubscriberStatus[] = ['unsubscribed', 'bounced', 'complained', 'suppressed'];
/** Money the author keeps: refunds and disputes are counted beside it, not in it. */
const REVENUE_STATUSES = ['paid', 'revoked'] as const;

export interface LanguageCount {
  lang: Lang;
  active: number;
  pending: number;
}

export interface SendSummary extends SendCounts {
  id: number;
  noteNumber: number;
  lang: string;
  noteLang: string;
  state: (typeof sends.$inferSelect)['state'];
  startedAt: number;
  finishedAt: number | null;
  rates: Rate[];
  level: Level;
  lastError: string | null;
}

export interface NextSend extends ScheduledSend {
  /** due: its slot has come and some language is not done yet */
  state: 'due' | 'scheduled';
  /** per subscriber language: how many it would mail now, and how far a started send got */
  recipients: Partial<Record<Lang, { active: number; sent?: number; frozen?: number; done?: boolean }>>;
}

export interface ProductSales {
  productId: string;
  title: string;
  currency: string;
  month: { purchases: number; revenue: number };
  total: { purchases: number; revenue: number };
  refunded: number;
  disputed: number;
}

export interface CohortSeats {
  productId: string;
  product: string;
  cohortId: string;
  cohort: string;
  starts: number;
  seats: number;
  taken: number;
  left: number;
}

export interface EndingAccess {
  email: string;
  productId: string;
  product: string;
  status: 'paid' | 'granted';
  accessUntil: number;
}

export interface Dashboard {
  now: number;
  timeZone: string;
  subscribers: { byLanguage: LanguageCount[]; active: number; newThisWeek: number; lostThisWeek: number; growth: Growth };
  next?: NextSend;
  nextSlot: number;
  sends: SendSummary[];
  sales: ProductSales[];
  /** revenue per currency, this month and in total (amounts in the currency's minor unit) */
  revenue: { currency: string; month: number; total: number }[];
  monthStart: number;
  seats: CohortSeats[];
  ending: { rows: EndingAccess[]; more: boolean };
  /** the last Stripe reconciliation (docs/decisions/023); absent when payments are off and none ever ran */
  reconcile?: { at?: number; ok: boolean; fixed: number; failed: number };
  /** how many database queries this read took (the bench checks it does not grow) */
  queries: number;
}

/** A subscriber who was active here at some point (not one imported as already unsubscribed or cleaned). */
function everActive(): SQL {
  return and(
    ne(subscribers.status, 'pending'),
    or(isNotNull(subscribers.confirmedAt), sql`${subscribers.source} LIKE 'import:%'`),
    or(eq(subscribers.status, 'active'), sql`COALESCE(${subscribers.unsubscribedAt}, ${subscribers.updatedAt}) > ${subscribers.createdAt}`),
  )!;
}

/**
 * Which rolling week a moment falls in, counted from the first of them (negative: before it), as
 * plain integer arithmetic, which SQLite groups by far faster than a CASE per row. The offset of
 * ten thousand weeks makes the integer division round down for moments before the first week too.
 */
const WEEK_OFFSET = 10_000;
function weekNumber(moment: SQL, first: number): SQL<number> {
  // Integer literals, not parameters: a bound JavaScript number may arrive as a REAL, and the
  // division must be an integer one. They are our own numbers, never input.
  const base = sql.raw(String(Math.trunc(first) - WEEK_OFFSET * WEEK_MS));
  return sql<number>`(${moment} - ${base}) / ${sql.raw(String(WEEK_MS))} - ${sql.raw(String(WEEK_OFFSET))}`.mapWith(Number);
}

/** Counts per week number, folded into the buckets growthFrom wants: -1 before, the last one up to now. */
function foldWeeks(rows: { week: number; n: number }[], weeks: number): Map<number, number> {
  const out = new Map<number, number>();
  for (const { week, n } of rows) {
    const bucket = Math.min(weeks - 1, Math.max(-1, week));
    out.set(bucket, (out.get(bucket) ?? 0) + n);
  }
  return out;
}

/** Subscribers whose language the site no longer offers read (and count as) the default language. */
function inLanguage(lang: Lang): SQL {
  const site = getSite();
  const others = site.languages.filter((l) => l !== site.defaultLanguage);
  return lang === site.defaultLanguage && others.length > 0 ? notInArray(subscribers.lang, others) : eq(subscribers.lang, lang);
}

function foldLanguage(lang: string): Lang {
  const site = getSite();
  return (site.languages as string[]).includes(lang) ? (lang as Lang) : site.defaultLanguage;
}

export async function adminDashboard({ catalog, lang, now = nowMs() }: { catalog: NoteCatalog; lang: Lang; now?: number }): Promise<Dashboard> {
  const db = getDb();
  const site = getSite();
  const products = getProducts();
  let queries = 0;
  const q = <T>(p: Promise<T>): Promise<T> => {
    queries++;
    return p;
  };

  // Subscribers now, and their growth over 26 rolling weeks.
  const starts = weekStarts(now);
  const joinedAt = sql`COALESCE(${subscribers.confirmedAt}, ${subscribers.createdAt})`;
  const leftAt = sql`COALESCE(${subscribers.unsubscribedAt}, ${subscribers.updatedAt})`;
  const [byStatus, joinedRows, lostRows] = await Promise.all([
    q(db.select({ status: subscribers.status, lang: subscribers.lang, n: count() }).from(subscribers).groupBy(subscribers.status, subscribers.lang)),
    // Those who joined before the chart starts are only counted; grouping (a sort) is for the rest.
    q(
      db
        .select({ week: sql<number>`-1`.mapWith(Number).as('week'), n: count() })
        .from(subscribers)
        .where(and(everActive(), lt(joinedAt, starts[0]!)))
        .unionAll(db.select({ week: weekNumber(joinedAt, starts[0]!).as('week'), n: count() }).from(subscribers).where(and(everActive(), gte(joinedAt, starts[0]!))).groupBy(sql`week`)),
    ),
    // Through the status index: only those who left are read.
    q(db.select({ week: weekNumber(leftAt, starts[0]!).as('week'), n: count() }).from(subscribers).where(and(inArray(subscribers.status, LOST), everActive())).groupBy(sql`week`)),
  ]);
  const counts = new Map<Lang, LanguageCount>(site.languages.map((l) => [l, { lang: l, active: 0, pending: 0 }]));
  for (const row of byStatus) {
    const c = counts.get(foldLanguage(row.lang))!;
    if (row.status === 'active') c.active += row.n;
    if (row.status === 'pending') c.pending += row.n;
  }
  const joined = foldWeeks(joinedRows, starts.length);
  const lost = foldWeeks(lostRows, starts.length);
  const growth = growthFrom(starts, now, joined, lost);
  const byLanguage = [...counts.values()];

  // The newsletter: what goes out next, and how the last sends went.
  const schedule = newsletterSchedule(catalog, site, now);
  const lastSends = await q(db.select().from(sends).orderBy(desc(sends.startedAt), desc(sends.id)).limit(LAST_SENDS));
  const dueRows = schedule.due ? await q(db.select({ lang: sends.lang, state: sends.state, sent: sends.sent, recipients: sends.recipients, frozenAt: sends.frozenAt }).from(sends).where(eq(sends.noteNumber, schedule.due.noteNumber))) : [];
  const dueOpen = schedule.due && schedule.due.plans.some((p) => dueRows.find((r) => r.lang === p.lang)?.state !== 'done');
  const chosen = dueOpen ? schedule.due : schedule.upcoming;
  let next: NextSend | undefined;
  if (chosen) {
    const recipients: NextSend['recipients'] = {};
    for (const plan of chosen.plans) {
      const started = dueOpen ? dueRows.find((r) => r.lang === plan.lang) : undefined;
      recipients[plan.lang] = {
        active: counts.get(plan.lang)?.active ?? 0,
        ...(started ? { sent: started.sent, frozen: started.frozenAt === null ? undefined : started.recipients, done: started.state === 'done' } : {}),
      };
    }
    next = { ...chosen, state: dueOpen ? 'due' : 'scheduled', recipients };
  }
  const unsubscribedAfter = await unsubscribesAfter(lastSends, q);
  const sendSummaries: SendSummary[] = lastSends.map((s) => {
    const unsubscribed = unsubscribedAfter.get(s.id) ?? 0;
    const { rates, level } = sendRates({ ...s, unsubscribed });
    return {
      id: s.id, noteNumber: s.noteNumber, lang: s.lang, noteLang: s.noteLang, state: s.state, startedAt: s.startedAt, finishedAt: s.finishedAt,
      recipients: s.recipients, sent: s.sent, failed: s.failed, bounced: s.bounced, complained: s.complained, unsubscribed, rates, level, lastError: s.lastError,
    };
  });

  // The shop: sales this month (in the site's zone) and in total, seats, access about to end.
  const w = wallTimeIn(now, site.timeZone);
  const monthStart = zonedTimeToEpoch(site.timeZone, w.year, w.month, 1);
  const inMonth = and(inArray(purchases.status, REVENUE_STATUSES), gte(purchases.purchasedAt, monthStart));
  const [salesRows, seatRows, endingRows, reconcileRow] = await Promise.all([
    q(
      db
        .select({
          productId: purchases.productId,
          currency: sql<string>`UPPER(${purchases.currency})`.as('cur'),
          purchases: sql<number>`SUM(CASE WHEN ${inArray(purchases.status, REVENUE_STATUSES)} THEN 1 ELSE 0 END)`.mapWith(Number),
          revenue: sql<number>`SUM(CASE WHEN ${inArray(purchases.status, REVENUE_STATUSES)} THEN ${purchases.amount} ELSE 0 END)`.mapWith(Number),
          monthPurchases: sql<number>`SUM(CASE WHEN ${inMonth} THEN 1 ELSE 0 END)`.mapWith(Number),
          monthRevenue: sql<number>`SUM(CASE WHEN ${inMonth} THEN ${purchases.amount} ELSE 0 END)`.mapWith(Number),
          refunded: sql<number>`SUM(CASE WHEN ${purchases.status} = 'refunded' THEN 1 ELSE 0 END)`.mapWith(Number),
          disputed: sql<number>`SUM(CASE WHEN ${purchases.status} = 'disputed' THEN 1 ELSE 0 END)`.mapWith(Number),
        })
        .from(purchases)
        .where(and(eq(purchases.source, 'stripe'), inArray(purchases.status, [...REVENUE_STATUSES, 'refunded', 'disputed']), isNotNull(purchases.amount), isNotNull(purchases.currency)))
        .groupBy(purchases.productId, sql`cur`),
    ),
    q(
      db
        .select({ productId: purchases.productId, cohortId: purchases.cohortId, n: count() })
        .from(purchases)
        .where(and(isNotNull(purchases.cohortId), holdsSeat(now)))
        .groupBy(purchases.productId, purchases.cohortId),
    ),
    q(
      db
        .select({ email: purchases.email, productId: purchases.productId, status: purchases.status, accessUntil: purchases.accessUntil })
        .from(purchases)
        .where(and(inArray(purchases.status, ['paid', 'granted']), gt(purchases.accessUntil, now), lte(purchases.accessUntil, now + ENDING_WITHIN_MS)))
        .orderBy(purchases.accessUntil, purchases.id)
        .limit(ENDING_SHOWN + 1),
    ),
    q(db.select({ value: appSettings.value }).from(appSettings).where(eq(appSettings.key, LAST_RUN_KEY))),
  ]);
  const lastRun = parseLastRun(reconcileRow[0]?.value);
  const reconcile = lastRun ? { at: lastRun.startedAt, ok: lastRun.ok, fixed: fixedCount(lastRun), failed: lastRun.failed } : paymentsEnabled() ? { ok: true, fixed: 0, failed: 0 } : undefined;
  const title = (productId: string) => productTitle(productId, lang);
  const sales: ProductSales[] = salesRows
    .map((r) => ({
      productId: r.productId, title: title(r.productId), currency: r.currency,
      month: { purchases: r.monthPurchases, revenue: r.monthRevenue }, total: { purchases: r.purchases, revenue: r.revenue },
      refunded: r.refunded, disputed: r.disputed,
    }))
    .sort((a, b) => b.total.revenue - a.total.revenue || a.productId.localeCompare(b.productId));
  const revenueBy = new Map<string, { currency: string; month: number; total: number }>();
  for (const s of sales) {
    const r = revenueBy.get(s.currency) ?? { currency: s.currency, month: 0, total: 0 };
    r.month += s.month.revenue;
    r.total += s.total.revenue;
    revenueBy.set(s.currency, r);
  }
  const taken = new Map(seatRows.map((r) => [`${r.productId}/${r.cohortId}`, r.n]));
  const seats: CohortSeats[] = [...products.values()].flatMap((p) =>
    p.cohorts
      .filter((c) => now < c.accessUntil.at)
      .map((c) => {
        const n = taken.get(`${p.id}/${c.id}`) ?? 0;
        return { productId: p.id, product: title(p.id), cohortId: c.id, cohort: pick(c.title, lang, site.defaultLanguage) || c.id, starts: c.starts.at, seats: c.seats, taken: n, left: Math.max(0, c.seats - n) };
      }),
  );
  const ending = {
    rows: endingRows.slice(0, ENDING_SHOWN).map((r) => ({ email: r.email, productId: r.productId, product: title(r.productId), status: r.status as 'paid' | 'granted', accessUntil: r.accessUntil! })),
    more: endingRows.length > ENDING_SHOWN,
  };

  return {
    now,
    timeZone: site.timeZone,
    subscribers: {
      byLanguage,
      active: byLanguage.reduce((n, c) => n + c.active, 0),
      newThisWeek: growth.joined.at(-1) ?? 0,
      lostThisWeek: growth.lost.at(-1) ?? 0,
      growth,
    },
    next,
    nextSlot: schedule.nextSlot,
    sends: sendSummaries,
    sales,
    revenue: [...revenueBy.values()].sort((a, b) => a.currency.localeCompare(b.currency)),
    monthStart,
    seats,
    ending,
    reconcile,
    queries,
  };
}

/**
 * Unsubscribes after each send: those in its language group who unsubscribed between it and the
 * next send to that group (one pass over the unsubscribed, by the status index; joining the ledger
 * would read every recipient of every send).
 */
async function unsubscribesAfter(shown: (typeof sends.$inferSelect)[], q: <T>(p: Promise<T>) => Promise<T>): Promise<Map<number, number>> {
  if (shown.length === 0) return new Map();
  const newestFirst = [...shown].sort((a, b) => b.startedAt - a.startedAt);
  const whens = newestFirst.map((s) => sql`WHEN ${inLanguage(foldLanguage(s.lang))} AND ${subscribers.unsubscribedAt} >= ${s.startedAt} THEN ${s.id}`);
  const sendId = sql<number>`CASE ${sql.join(whens, sql` `)} END`.mapWith(Number);
  const oldest = newestFirst.at(-1)!.startedAt;
  const rows = await q(
    getDb()
      .select({ sendId: sendId.as('send_id'), n: count() })
      .from(subscribers)
      .where(and(eq(subscribers.status, 'unsubscribed'), gte(subscribers.unsubscribedAt, oldest)))
      .groupBy(sql`send_id`),
  );
  return new Map(rows.filter((r) => r.sendId > 0).map((r) => [Number(r.sendId), r.n]));
}
