import { getDb } from '../db/client.server.ts';
import type { PurchaseStatus } from '../db/schema.ts';

// Reading purchases: what access and seat counting need, in plain SQL over the one client.

export interface PurchaseRow {
  id: number;
  email: string;
  productId: string;
  cohortId: string | null;
  lang: string;
  source: 'stripe' | 'grant';
  status: PurchaseStatus;
  checkoutSessionId: string | null;
  paymentIntentId: string | null;
  amount: number | null;
  currency: string | null;
  purchasedAt: number | null;
  accessUntil: number | null;
  statusReason: string | null;
  receiptSentAt: number | null;
}

const COLUMNS = `id, email, product_id, cohort_id, lang, source, status, checkout_session_id, payment_intent_id, amount, currency, purchased_at, access_until, status_reason, receipt_sent_at`;

function toRow(r: Record<string, unknown>): PurchaseRow {
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  const str = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return {
    id: Number(r.id),
    email: String(r.email),
    productId: String(r.product_id),
    cohortId: str(r.cohort_id),
    lang: String(r.lang),
    source: String(r.source) as PurchaseRow['source'],
    status: String(r.status) as PurchaseStatus,
    checkoutSessionId: str(r.checkout_session_id),
    paymentIntentId: str(r.payment_intent_id),
    amount: num(r.amount),
    currency: str(r.currency),
    purchasedAt: num(r.purchased_at),
    accessUntil: num(r.access_until),
    statusReason: str(r.status_reason),
    receiptSentAt: num(r.receipt_sent_at),
  };
}

/** Statuses that mean "this person bought or was given it" (what the library lists). */
export const OWNED = ['paid', 'granted', 'pending', 'refunded', 'disputed', 'revoked'] as const;
const OWNED_SQL = OWNED.map((s) => `'${s}'`).join(',');

export async function purchasesOf(email: string, productId?: string): Promise<PurchaseRow[]> {
  const rows = await getDb().$client.execute({
    sql: `SELECT ${COLUMNS} FROM purchases WHERE email = ? ${productId ? 'AND product_id = ?' : ''} AND status IN (${OWNED_SQL}) ORDER BY COALESCE(purchased_at, created_at) DESC, id DESC`,
    args: productId ? [email, productId] : [email],
  });
  return rows.rows.map((r) => toRow(r as Record<string, unknown>));
}

export async function allPurchases(email?: string): Promise<PurchaseRow[]> {
  const rows = await getDb().$client.execute({
    sql: `SELECT ${COLUMNS} FROM purchases WHERE status != 'reserved' AND status != 'expired' ${email ? 'AND email = ?' : ''} ORDER BY email, product_id, id`,
    args: email ? [email] : [],
  });
  return rows.rows.map((r) => toRow(r as Record<string, unknown>));
}

export async function purchaseById(id: number): Promise<PurchaseRow | undefined> {
  const rows = await getDb().$client.execute({ sql: `SELECT ${COLUMNS} FROM purchases WHERE id = ?`, args: [id] });
  return rows.rows[0] ? toRow(rows.rows[0] as Record<string, unknown>) : undefined;
}

export async function purchaseBySession(sessionId: string): Promise<PurchaseRow | undefined> {
  const rows = await getDb().$client.execute({ sql: `SELECT ${COLUMNS} FROM purchases WHERE checkout_session_id = ?`, args: [sessionId] });
  return rows.rows[0] ? toRow(rows.rows[0] as Record<string, unknown>) : undefined;
}

/** SQL condition for "holds a seat at `?`": paid, granted, awaiting an async payment, or reserved and not yet expired. */
export const HOLDS_SEAT = `(status IN ('paid', 'granted', 'pending') OR (status = 'reserved' AND reserved_until > ?))`;

export async function seatsTaken(productId: string, now: number): Promise<Map<string, number>> {
  const rows = await getDb().$client.execute({
    sql: `SELECT cohort_id, count(*) AS n FROM purchases WHERE product_id = ? AND cohort_id IS NOT NULL AND ${HOLDS_SEAT} GROUP BY cohort_id`,
    args: [productId, now],
  });
  return new Map(rows.rows.map((r) => [String(r.cohort_id), Number(r.n)]));
}
