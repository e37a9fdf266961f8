import { and, asc, desc, eq, sql, type SQL } from 'drizzle-orm';
import { getDb, serializeWrites } from '../core/db/client.server.ts';
import { consentTexts, purchases, subscribers, SUBSCRIBER_STATUSES, type SubscriberStatus } from '../core/db/schema.ts';
import { exportSubscribersCsv } from '../newsletter/import-export.server.ts';

// The Subscribers pages: a search by address with filters, one person's record, the filtered CSV.

export const SUBSCRIBERS_PAGE = 50;

export interface SubscriberFilter {
  /** part of an address: prefix matches come first, then any other place in the address */
  q: string;
  status: SubscriberStatus | '';
  lang: string;
  /** 1-based */
  page: number;
}

/** Reads the search form's query string; anything unknown is dropped rather than refused, so a stale link still lists. */
export function readFilter(params: URLSearchParams): SubscriberFilter {
  const status = params.get('status') ?? '';
  const page = Number.parseInt(params.get('page') ?? '1', 10);
  return {
    q: (params.get('q') ?? '').trim().toLowerCase().slice(0, 254),
    status: (SUBSCRIBER_STATUSES as readonly string[]).includes(status) ? (status as SubscriberStatus) : '',
    lang: /^[a-z]{2}$/.test(params.get('lang') ?? '') ? params.get('lang')! : '',
    page: Number.isFinite(page) && page >= 1 && page <= 100_000 ? page : 1,
  };
}

/** The query string of a filter (for the next page and the CSV link), without empty fields. */
export function filterQuery(f: SubscriberFilter, page = f.page): string {
  const p = new URLSearchParams();
  if (f.q) p.set('q', f.q);
  if (f.status) p.set('status', f.status);
  if (f.lang) p.set('lang', f.lang);
  if (page > 1) p.set('page', String(page));
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** A LIKE pattern that matches `text` literally: its own % and _ are escaped (with \, named in ESCAPE). */
export function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function conditions(f: Pick<SubscriberFilter, 'q' | 'status' | 'lang'>): SQL | undefined {
  const parts: SQL[] = [];
  if (f.q) parts.push(sql`${subscribers.email} LIKE ${`%${likeLiteral(f.q)}%`} ESCAPE '\\'`);
  if (f.status) parts.push(eq(subscribers.status, f.status));
  if (f.lang) parts.push(eq(subscribers.lang, f.lang));
  return parts.length ? and(...parts) : undefined;
}

export interface SubscriberListRow {
  id: number;
  email: string;
  status: SubscriberStatus;
  lang: string;
  source: string;
  joinedAt: number;
}

/** One page of the list, newest first (prefix matches of the search first); one query. */
export async function searchSubscribers(f: SubscriberFilter): Promise<{ rows: SubscriberListRow[]; hasNext: boolean }> {
  const order = f.q ? [asc(sql`CASE WHEN ${subscribers.email} LIKE ${`${likeLiteral(f.q)}%`} ESCAPE '\\' THEN 0 ELSE 1 END`), desc(subscribers.id)] : [desc(subscribers.id)];
  const found = await getDb()
    .select({ id: subscribers.id, email: subscribers.email, status: subscribers.status, lang: subscribers.lang, source: subscribers.source, joinedAt: subscribers.createdAt })
    .from(subscribers)
    .where(conditions(f))
    .orderBy(...order)
    .limit(SUBSCRIBERS_PAGE + 1)
    .offset((f.page - 1) * SUBSCRIBERS_PAGE);
  return { rows: found.slice(0, SUBSCRIBERS_PAGE), hasNext: found.length > SUBSCRIBERS_PAGE };
}

export interface PersonPurchase {
  id: number;
  productId: string;
  cohortId: string | null;
  status: string;
  source: 'stripe' | 'grant';
  amount: number | null;
  currency: string | null;
  purchasedAt: number | null;
  accessUntil: number | null;
}

export interface Person {
  id: number;
  email: string;
  status: SubscriberStatus;
  statusReason: string | null;
  lang: string;
  source: string;
  consent: { version: string; wording: string | null; wordingLang: string | null; at: number; confirmedAt: number | null };
  unsubscribedAt: number | null;
  createdAt: number;
  purchases: PersonPurchase[];
}

/** One person: the subscriber with the consent wording of its version, and the purchases of the same address (two queries). */
export async function subscriberPerson(id: number): Promise<Person | undefined> {
  const db = getDb();
  const [row] = await db
    .select({ s: subscribers, wording: consentTexts.text, wordingLang: consentTexts.lang })
    .from(subscribers)
    .leftJoin(consentTexts, eq(consentTexts.version, subscribers.consentVersion))
    .where(eq(subscribers.id, id));
  if (!row) return undefined;
  const s = row.s;
  const bought = await db
    .select({ id: purchases.id, productId: purchases.productId, cohortId: purchases.cohortId, status: purchases.status, source: purchases.source, amount: purchases.amount, currency: purchases.currency, purchasedAt: purchases.purchasedAt, accessUntil: purchases.accessUntil })
    .from(purchases)
    .where(eq(purchases.email, s.email))
    .orderBy(desc(purchases.id));
  return {
    id: s.id, email: s.email, status: s.status, statusReason: s.statusReason, lang: s.lang, source: s.source,
    consent: { version: s.consentVersion, wording: row.wording, wordingLang: row.wordingLang, at: s.consentAt, confirmedAt: s.confirmedAt },
    unsubscribedAt: s.unsubscribedAt, createdAt: s.createdAt, purchases: bought,
  };
}

/** The filtered list as CSV in the format of `drumbeat subscribers export` (the same writer). */
export async function subscribersCsv(f: SubscriberFilter): Promise<string> {
  const chunks: string[] = [];
  await exportSubscribersCsv((c) => void chunks.push(c), conditions(f));
  return chunks.join('');
}

/**
 * The author moves a subscriber to another language (the next send goes out in it). Refused, with
 * nothing written, for a language the site does not have or a subscriber that is gone.
 */
export async function changeSubscriberLanguage(id: number, lang: string, languages: readonly string[], now: number): Promise<'changed' | 'unknown-language' | 'not-found'> {
  if (!languages.includes(lang)) return 'unknown-language';
  const changed = await serializeWrites(() => getDb().update(subscribers).set({ lang, updatedAt: now }).where(eq(subscribers.id, id)).returning({ id: subscribers.id }));
  return changed.length ? 'changed' : 'not-found';
}
