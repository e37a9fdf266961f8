import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import { getDb, serializeWrites } from '../core/db/client.server.ts';
import { consentTexts, purchases, sendRecipients, sends, subscribers, SUBSCRIBER_STATUSES, type SubscriberStatus } from '../core/db/schema.ts';
import { suppress, unsuppress, type SuppressOutcome } from '../newsletter/erasure.server.ts';
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

// Addresses are stored lowercased (the address rule) and the query is lowercased, so instr() finds
// any part of the address byte for byte: no wildcard to escape, and much cheaper per row than LIKE.
function conditions(f: Pick<SubscriberFilter, 'q' | 'status' | 'lang'>): SQL | undefined {
  const parts: SQL[] = [];
  // The same rule as the list: 3+ characters anywhere in the address, fewer at its start.
  if (f.q.length >= 3) parts.push(sql`instr(${subscribers.email}, ${f.q}) > 0`);
  else if (f.q) parts.push(sql`substr(${subscribers.email}, 1, ${f.q.length}) = ${f.q}`);
  if (f.status) parts.push(eq(subscribers.status, f.status));
  if (f.lang) parts.push(eq(subscribers.lang, f.lang));
  return parts.length ? and(...parts) : undefined;
}

export interface SubscriberListRow {
  id: number;
  email: string;
  /** as an import gave it (Mailchimp First/Last, Ghost name…); none for sign-ups */
  name: string | null;
  status: SubscriberStatus;
  lang: string;
  source: string;
  joinedAt: number;
}

export interface SubscriberPage {
  rows: SubscriberListRow[];
  hasNext: boolean;
  /** how many match (0 on a page past the end); when `exact` is false, at least this many */
  total: number;
  exact: boolean;
  /** database queries this page took (the bench checks it does not grow with the data) */
  queries: number;
}

/** Matches are counted up to this many; past it the page says "1,000+" (docs/decisions/019). */
export const COUNT_CAP = 1000;

// How a search reads at most a window of rows whatever the table's size (docs/decisions/019).
// Matches are taken newest first and the reading stops at the window. With a query, the
// candidates come first from the index that finds the text (the trigram index of migration 0007
// for 3+ characters, the address index for the start of an address), at most a window of them:
// fewer than that means they are every match, and the status and language are checked on those
// alone; as many means the text is common, and walking newest first with every condition reaches
// a window soon. Which branch runs is decided inside the one query (the other gets LIMIT 0).
function matchingIds(f: Pick<SubscriberFilter, 'q' | 'status' | 'lang'>, window: number): SQL {
  const filters: SQL[] = [];
  if (f.status) filters.push(sql`s.status = ${f.status}`);
  if (f.lang) filters.push(sql`s.lang = ${f.lang}`);
  const text = f.q.length >= 3 ? sql`instr(s.email, ${f.q}) > 0` : sql`substr(s.email, 1, ${f.q.length}) = ${f.q}`;
  const where = (c: SQL[]) => (c.length ? sql`WHERE ${sql.join(c, sql` AND `)}` : sql``);
  // An index whose entries are in id order for these equalities, or the table itself.
  const path = sql.raw(f.status ? (f.lang ? 'INDEXED BY subscribers_status_lang' : 'INDEXED BY subscribers_status') : 'NOT INDEXED');
  const walk = (c: SQL[], limit: SQL) => sql`SELECT s.id AS id FROM subscribers AS s ${path} ${where(c)} ORDER BY s.id DESC LIMIT ${limit}`;
  if (!f.q) return walk(filters, sql`${window}`);
  const candidates =
    f.q.length >= 3
      ? // The trigram index reads a _ or % in the pattern as a wildcard; instr() checks the exact text.
        sql`SELECT rowid AS id FROM subscribers_search WHERE email LIKE ${`%${f.q}%`} AND instr(email, ${f.q}) > 0 ORDER BY rowid DESC LIMIT ${window}`
      : // Every address starting with q sorts between q and q followed by the highest code point.
        sql`SELECT id FROM subscribers WHERE email >= ${f.q} AND email < ${`${f.q}\u{10FFFF}`} LIMIT ${window}`;
  // Alone, the trigram index already gives the newest matches, capped or not.
  if (f.q.length >= 3 && filters.length === 0) return candidates;
  const all = sql`(SELECT n FROM found) < ${window}`;
  return sql`WITH c AS MATERIALIZED (${candidates}), found AS MATERIALIZED (SELECT count(*) AS n FROM c)
    -- CROSS JOIN keeps the candidates as the outer loop: a few id lookups, not a pass over a status.
    SELECT id FROM (SELECT s.id AS id FROM c CROSS JOIN subscribers AS s ON s.id = c.id ${where(filters)} ORDER BY s.id DESC LIMIT CASE WHEN ${all} THEN ${window} ELSE 0 END)
    UNION ALL
    SELECT id FROM (${walk([text, ...filters], sql`CASE WHEN ${all} THEN 0 ELSE ${window} END`)})`;
}

/**
 * One page of the list and how many match (exactly up to 1,000, then "1,000+"), in one query.
 * When every match was read, those starting with the query come first.
 */
export async function searchSubscribers(f: SubscriberFilter): Promise<SubscriberPage> {
  const offset = (f.page - 1) * SUBSCRIBERS_PAGE;
  const window = Math.max(COUNT_CAP, offset + SUBSCRIBERS_PAGE) + 1;
  const prefixFirst = f.q ? sql`CASE WHEN (SELECT n FROM counted) < ${window} AND substr(s.email, 1, ${f.q.length}) = ${f.q} THEN 1 ELSE 0 END DESC,` : sql``;
  const found = await getDb().all<SubscriberListRow & { total: number }>(sql`
    WITH m AS MATERIALIZED (${matchingIds(f, window)}), counted AS MATERIALIZED (SELECT count(*) AS n FROM m)
    SELECT s.id AS id, s.email AS email, s.name AS name, s.status AS status, s.lang AS lang, s.source AS source, s.created_at AS joinedAt, (SELECT n FROM counted) AS total
    FROM m JOIN subscribers AS s ON s.id = m.id
    ORDER BY ${prefixFirst} s.id DESC LIMIT ${SUBSCRIBERS_PAGE + 1} OFFSET ${offset}`);
  const total = found[0]?.total ?? 0;
  return {
    rows: found.slice(0, SUBSCRIBERS_PAGE).map(({ total: _, ...row }) => row),
    hasNext: found.length > SUBSCRIBERS_PAGE,
    total: Math.min(total, window - 1),
    exact: total < window,
    queries: 1,
  };
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

export const HISTORY_SHOWN = 50;

export interface PersonEmail {
  sendId: number;
  noteNumber: number;
  /** the language of the version they got */
  noteLang: string;
  /** when it went out (or, not yet sent, when the send started) */
  at: number;
  state: 'pending' | 'sent' | 'failed' | 'bounced' | 'complained';
  error: string | null;
}

export interface Person {
  id: number;
  email: string;
  name: string | null;
  status: SubscriberStatus;
  statusReason: string | null;
  lang: string;
  source: string;
  consent: { version: string; wording: string | null; wordingLang: string | null; at: number; confirmedAt: number | null };
  unsubscribedAt: number | null;
  createdAt: number;
  updatedAt: number;
  purchases: PersonPurchase[];
  /** the newsletter emails of the ledger, newest first, at most HISTORY_SHOWN */
  emails: PersonEmail[];
  /** every ledger row of theirs, and how many bounced or were reported as spam */
  emailCount: { total: number; bounced: number; complained: number };
  /** database queries this read took (three, whatever the history's length) */
  queries: number;
}

/**
 * One person: the subscriber with the consent wording of its version, the purchases of the same
 * address, and the newsletter emails the ledger holds for them (the last 50, with the totals
 * counted in the same query, through the ledger's subscriber index). Three queries.
 */
export async function subscriberPerson(id: number): Promise<Person | undefined> {
  const db = getDb();
  const [row] = await db
    .select({ s: subscribers, wording: consentTexts.text, wordingLang: consentTexts.lang })
    .from(subscribers)
    .leftJoin(consentTexts, eq(consentTexts.version, subscribers.consentVersion))
    .where(eq(subscribers.id, id));
  if (!row) return undefined;
  const s = row.s;
  const [bought, ledger] = await Promise.all([
    db
      .select({ id: purchases.id, productId: purchases.productId, cohortId: purchases.cohortId, status: purchases.status, source: purchases.source, amount: purchases.amount, currency: purchases.currency, purchasedAt: purchases.purchasedAt, accessUntil: purchases.accessUntil })
      .from(purchases)
      .where(eq(purchases.email, s.email))
      .orderBy(desc(purchases.id)),
    db
      .select({
        sendId: sends.id,
        noteNumber: sends.noteNumber,
        noteLang: sends.noteLang,
        at: sql<number>`COALESCE(${sendRecipients.sentAt}, ${sends.startedAt})`.mapWith(Number),
        state: sql<PersonEmail['state']>`COALESCE(${sendRecipients.feedback}, ${sendRecipients.state})`,
        error: sendRecipients.error,
        total: sql<number>`count(*) OVER ()`.mapWith(Number),
        bounced: sql<number>`sum(${sendRecipients.feedback} = 'bounced') OVER ()`.mapWith(Number),
        complained: sql<number>`sum(${sendRecipients.feedback} = 'complained') OVER ()`.mapWith(Number),
      })
      .from(sendRecipients)
      .innerJoin(sends, eq(sends.id, sendRecipients.sendId))
      .where(eq(sendRecipients.subscriberId, s.id))
      .orderBy(desc(sendRecipients.sendId))
      .limit(HISTORY_SHOWN),
  ]);
  return {
    id: s.id, email: s.email, name: s.name, status: s.status, statusReason: s.statusReason, lang: s.lang, source: s.source,
    consent: { version: s.consentVersion, wording: row.wording, wordingLang: row.wordingLang, at: s.consentAt, confirmedAt: s.confirmedAt },
    unsubscribedAt: s.unsubscribedAt, createdAt: s.createdAt, updatedAt: s.updatedAt, purchases: bought,
    emails: ledger.map(({ total: _, bounced: __, complained: ___, ...e }) => e),
    emailCount: { total: ledger[0]?.total ?? 0, bounced: ledger[0]?.bounced ?? 0, complained: ledger[0]?.complained ?? 0 },
    queries: 3,
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

/** The author's suppression and its lifting (docs/decisions/019), each one transaction. */
export function setSuppression(id: number, on: boolean, now: number): Promise<SuppressOutcome> {
  return serializeWrites(() => getDb().transaction((tx) => (on ? suppress(tx, id, now) : unsuppress(tx, id, now)), { behavior: 'immediate' }));
}
