import { and, eq, gt, sql } from 'drizzle-orm';
import { hashToken, isWellFormedToken } from '../auth/tokens.ts';
import { hasAccess } from '../catalog/availability.ts';
import { nowMs } from '../core/clock.ts';
import { getDb, type Database } from '../core/db/client.server.ts';
import { purchases, sessions, type PurchaseStatus } from '../core/db/schema.ts';
import { OWNED, purchasesOf } from '../payments/purchases.server.ts';

// The access question, asked on every gated request: the stored purchases, the server's clock.

/** What access needs of a purchase (a full PurchaseRow is one too). */
export interface AccessRow {
  id: number;
  status: PurchaseStatus;
  accessUntil: number | null;
  purchasedAt: number | null;
  /** a certification's cohort: its start opens the lessons */
  cohortId?: string | null;
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

// Prepared once per database handle: this runs on every gated page and media request.
const prepared = new WeakMap<Database, ReturnType<typeof prepareSessionAccess>>();
function prepareSessionAccess(db: Database) {
  return db
    .select({ email: sessions.email, id: purchases.id, status: purchases.status, accessUntil: purchases.accessUntil, purchasedAt: purchases.purchasedAt, cohortId: purchases.cohortId })
    .from(sessions)
    .leftJoin(purchases, and(eq(purchases.email, sessions.email), eq(purchases.productId, sql.placeholder('productId'))))
    .where(and(eq(sessions.idHash, sql.placeholder('idHash')), gt(sessions.expiresAt, sql.placeholder('now'))))
    .prepare();
}

/**
 * Whose session the cookie names and their access to one product, in one query with only the
 * columns access needs: the gated pages and every media request ask this, so it is the hot path.
 */
export async function sessionAccess(sessionToken: string | undefined, productId: string): Promise<{ email?: string } & AccessState> {
  if (!isWellFormedToken(sessionToken)) return { access: false };
  const now = nowMs();
  const db = getDb();
  let query = prepared.get(db);
  if (!query) prepared.set(db, (query = prepareSessionAccess(db)));
  const result = await query.all({ productId, idHash: hashToken(sessionToken), now });
  const first = result[0];
  if (!first) return { access: false };
  const rows: AccessRow[] = [];
  for (const r of result) {
    if (r.id === null || r.status === null || !OWNED_SET.has(r.status)) continue;
    rows.push({ id: r.id, status: r.status, accessUntil: r.accessUntil, purchasedAt: r.purchasedAt, cohortId: r.cohortId });
  }
  return { email: first.email, ...decideAccess(rows, now) };
}
