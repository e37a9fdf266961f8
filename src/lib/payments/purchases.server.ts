import { and, asc, count, desc, eq, gt, inArray, isNotNull, ne, notInArray, or, sql, type SQL } from 'drizzle-orm';
import { getDb } from '../core/db/client.server.ts';
import { purchases } from '../core/db/schema.ts';

// Reading purchases: what access, the library, the CLI and seat counting need.

/** What a reader of purchases selects (the admin list adds its own few). */
export const PURCHASE_COLUMNS = {
  id: purchases.id,
  email: purchases.email,
  productId: purchases.productId,
  cohortId: purchases.cohortId,
  lang: purchases.lang,
  source: purchases.source,
  status: purchases.status,
  checkoutSessionId: purchases.checkoutSessionId,
  paymentIntentId: purchases.paymentIntentId,
  amount: purchases.amount,
  currency: purchases.currency,
  purchasedAt: purchases.purchasedAt,
  accessUntil: purchases.accessUntil,
  statusReason: purchases.statusReason,
  receiptSentAt: purchases.receiptSentAt,
};

export type PurchaseRow = Pick<typeof purchases.$inferSelect, keyof typeof PURCHASE_COLUMNS>;

/** Statuses that mean "this person bought or was given it" (what the library lists). */
export const OWNED = ['paid', 'granted', 'pending', 'refunded', 'disputed', 'revoked'] as const;

export function purchasesOf(email: string, productId?: string): Promise<PurchaseRow[]> {
  return getDb()
    .select(PURCHASE_COLUMNS)
    .from(purchases)
    .where(and(eq(purchases.email, email), productId ? eq(purchases.productId, productId) : undefined, inArray(purchases.status, OWNED)))
    .orderBy(desc(sql`COALESCE(${purchases.purchasedAt}, ${purchases.createdAt})`), desc(purchases.id));
}

/** What `access list` prints of each purchase or grant (and hasAccess reads). */
const LISTED_COLUMNS = {
  email: purchases.email,
  productId: purchases.productId,
  cohortId: purchases.cohortId,
  status: purchases.status,
  accessUntil: purchases.accessUntil,
};

export type ListedPurchase = Pick<PurchaseRow, keyof typeof LISTED_COLUMNS>;

/**
 * Every purchase and grant (not reservations), for `access list`: only the columns it prints, as
 * drizzle maps each column of each row (a third of the work of the whole row for 1,000 rows).
 */
export function allPurchases(email?: string): Promise<ListedPurchase[]> {
  return getDb()
    .select(LISTED_COLUMNS)
    .from(purchases)
    .where(and(notInArray(purchases.status, ['reserved', 'expired']), email ? eq(purchases.email, email) : undefined))
    .orderBy(asc(purchases.email), asc(purchases.productId), asc(purchases.id));
}

export async function purchaseById(id: number): Promise<PurchaseRow | undefined> {
  const [row] = await getDb().select(PURCHASE_COLUMNS).from(purchases).where(eq(purchases.id, id));
  return row;
}

export async function purchaseBySession(sessionId: string): Promise<PurchaseRow | undefined> {
  const [row] = await getDb().select(PURCHASE_COLUMNS).from(purchases).where(eq(purchases.checkoutSessionId, sessionId));
  return row;
}

/** Whether an address bought anything (or was given it): what makes a sign-in link worth sending. */
export async function hasPurchases(email: string): Promise<boolean> {
  const [row] = await getDb().select({ id: purchases.id }).from(purchases).where(and(eq(purchases.email, email), ne(purchases.status, 'reserved'))).limit(1);
  return row !== undefined;
}

/** Seats that are taken for good: paid, granted, or awaiting an asynchronous payment. */
export const committedSeat = (): SQL => inArray(purchases.status, ['paid', 'granted', 'pending']);

/** An unpaid hold: a reservation whose Checkout Session may still be paid at `now`. */
export const liveHold = (now: number): SQL => and(eq(purchases.status, 'reserved'), gt(purchases.reservedUntil, now))!;

/** "Holds a seat at `now`": committed, or reserved and not yet expired. */
export function holdsSeat(now: number): SQL {
  return or(committedSeat(), liveHold(now))!;
}

/** Seats taken per cohort; without holds: only the committed ones. */
export async function seatsTaken(productId: string, now: number, opts: { holds?: boolean } = {}): Promise<Map<string, number>> {
  const rows = await getDb()
    .select({ cohortId: purchases.cohortId, n: count() })
    .from(purchases)
    .where(and(eq(purchases.productId, productId), isNotNull(purchases.cohortId), opts.holds === false ? committedSeat() : holdsSeat(now)))
    .groupBy(purchases.cohortId);
  return new Map(rows.map((r) => [r.cohortId!, r.n]));
}
