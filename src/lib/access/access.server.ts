import { hashToken, isWellFormedToken } from '../auth/login-tokens.ts';
import { nowMs } from '../clock.ts';
import { getDb } from '../db/client.server.ts';
import type { PurchaseStatus } from '../db/schema.ts';
import { OWNED, purchasesOf } from '../payments/purchases.server.ts';
import { hasAccess } from './deadlines.ts';

// The access question, asked on every gated request: the stored purchases, the server's clock.

/** What access needs of a purchase (a full PurchaseRow is one too). */
export interface AccessRow {
  id: number;
  status: PurchaseStatus;
  accessUntil: number | null;
  purchasedAt: number | null;
}

export type AccessState<R extends AccessRow = AccessRow> =
  | { access: true; purchase: R }
  /** purchase: the newest one, which says why there is no access (deadline passed, refunded), if any */
  | { access: false; purchase?: R };

/** Of one buyer's rows for one product: the one giving the longest access now, else the newest. */
export function decideAccess<R extends AccessRow>(rows: R[], now: number): AccessState<R> {
  const newestFirst = [...rows].sort((a, b) => (b.purchasedAt ?? 0) - (a.purchasedAt ?? 0) || b.id - a.id);
  const live = newestFirst.filter((r) => hasAccess(r, now)).sort((a, b) => (b.accessUntil ?? Infinity) - (a.accessUntil ?? Infinity))[0];
  if (live) return { access: true, purchase: live };
  return { access: false, purchase: newestFirst[0] };
}

export async function accessTo(email: string | undefined, productId: string) {
  if (!email) return { access: false } as const;
  return decideAccess(await purchasesOf(email, productId), nowMs());
}

const OWNED_SET = new Set<string>(OWNED);

/**
 * Whose session the cookie names and their access to one product, in one query with only the
 * columns access needs: the gated pages and every media request ask this, so it is the hot path.
 */
export async function sessionAccess(sessionToken: string | undefined, productId: string): Promise<{ email?: string } & AccessState> {
  if (!isWellFormedToken(sessionToken)) return { access: false };
  const now = nowMs();
  const result = await getDb().$client.execute({
    sql: `SELECT s.email, p.id, p.status, p.access_until, p.purchased_at FROM sessions s
          LEFT JOIN purchases p ON p.email = s.email AND p.product_id = ?
          WHERE s.id_hash = ? AND s.expires_at > ?`,
    args: [productId, hashToken(sessionToken), now],
  });
  const first = result.rows[0];
  if (!first) return { access: false };
  const rows: AccessRow[] = [];
  for (const r of result.rows) {
    if (r.id === null || !OWNED_SET.has(String(r.status))) continue;
    rows.push({ id: Number(r.id), status: String(r.status) as PurchaseStatus, accessUntil: r.access_until === null ? null : Number(r.access_until), purchasedAt: r.purchased_at === null ? null : Number(r.purchased_at) });
  }
  return { email: String(first.email), ...decideAccess(rows, now) };
}
