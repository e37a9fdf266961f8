import { hashToken, isWellFormedToken } from '../auth/login-tokens.ts';
import { nowMs } from '../clock.ts';
import { getDb } from '../db/client.server.ts';
import { COLUMNS, OWNED, purchasesOf, toRow, type PurchaseRow } from '../payments/purchases.server.ts';
import { hasAccess } from './deadlines.ts';

// The access question, asked on every gated request: the stored purchases, the server's clock.

export type AccessState =
  | { access: true; purchase: PurchaseRow }
  /** purchase: the one that last gave access (deadline passed, refunded, revoked), if any */
  | { access: false; purchase?: PurchaseRow };

function decide(rows: PurchaseRow[], now: number): AccessState {
  const live = rows.filter((r) => hasAccess(r, now)).sort((a, b) => (b.accessUntil ?? Infinity) - (a.accessUntil ?? Infinity))[0];
  if (live) return { access: true, purchase: live };
  return { access: false, purchase: rows[0] };
}

export async function accessTo(email: string | undefined, productId: string): Promise<AccessState> {
  if (!email) return { access: false };
  return decide(await purchasesOf(email, productId), nowMs());
}

const OWNED_SQL = OWNED.map((s) => `'${s}'`).join(',');
const PURCHASE_COLUMNS = COLUMNS.split(',').map((c) => `p.${c.trim()}`).join(', ');

/**
 * Who the session cookie belongs to and their access to one product, in one query: the gated
 * pages and every media request ask this, so it is the hot path.
 */
export async function sessionAccess(sessionToken: string | undefined, productId: string): Promise<{ email?: string } & AccessState> {
  if (!isWellFormedToken(sessionToken)) return { access: false };
  const now = nowMs();
  const result = await getDb().$client.execute({
    sql: `SELECT s.email AS session_email, ${PURCHASE_COLUMNS} FROM sessions s
          LEFT JOIN purchases p ON p.email = s.email AND p.product_id = ? AND p.status IN (${OWNED_SQL})
          WHERE s.id_hash = ? AND s.expires_at > ?`,
    args: [productId, hashToken(sessionToken), now],
  });
  const first = result.rows[0];
  if (!first) return { access: false };
  // Newest first (a buyer has one or two rows per product; sorting here spares SQLite a temp b-tree).
  const rows = result.rows
    .filter((r) => r.id !== null)
    .map((r) => toRow(r as Record<string, unknown>))
    .sort((a, b) => (b.purchasedAt ?? 0) - (a.purchasedAt ?? 0) || b.id - a.id);
  return { email: String(first.session_email), ...decide(rows, now) };
}
