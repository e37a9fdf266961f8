import { and, eq, sql } from 'drizzle-orm';
import { hashToken, isWellFormedToken } from '../auth/tokens.ts';
import { hasAccess } from '../catalog/availability.ts';
import { nowMs } from '../core/clock.ts';
import { databaseChangeMark, getDb, type Database } from '../core/db/client.server.ts';
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
    .select({ email: sessions.email, expiresAt: sessions.expiresAt, id: purchases.id, status: purchases.status, accessUntil: purchases.accessUntil, purchasedAt: purchases.purchasedAt, cohortId: purchases.cohortId })
    .from(sessions)
    .leftJoin(purchases, and(eq(purchases.email, sessions.email), eq(purchases.productId, sql.placeholder('productId'))))
    .where(eq(sessions.idHash, sql.placeholder('idHash')))
    .prepare();
}

interface SessionRows {
  email: string;
  expiresAt: number;
  rows: AccessRow[];
}

/**
 * What the query answered, per session and product, while the database has not changed since
 * (databaseChangeMark: any commit from any process, a revocation, a refund, a sign-out, clears
 * it). Only the rows are kept: the decision is made again on every request with the clock, so a
 * deadline or a session's end is seen at once. Without a mark (a libSQL server) every request
 * asks. Bounded: a full table starts over.
 */
const answered: { mark: string | undefined; rows: Map<string, SessionRows> } = { mark: undefined, rows: new Map() };
const ANSWERS_KEPT = 10_000;

async function sessionRows(db: Database, idHash: string, productId: string): Promise<SessionRows | undefined> {
  const mark = databaseChangeMark();
  const key = `${idHash} ${productId}`;
  if (mark !== undefined && mark === answered.mark) {
    const kept = answered.rows.get(key);
    if (kept) return kept;
  }
  let query = prepared.get(db);
  if (!query) prepared.set(db, (query = prepareSessionAccess(db)));
  const result = await query.all({ productId, idHash });
  const first = result[0];
  if (!first) return undefined;
  const rows: AccessRow[] = [];
  for (const r of result) {
    if (r.id === null || r.status === null || !OWNED_SET.has(r.status)) continue;
    rows.push({ id: r.id, status: r.status, accessUntil: r.accessUntil, purchasedAt: r.purchasedAt, cohortId: r.cohortId });
  }
  const found = { email: first.email, expiresAt: first.expiresAt, rows };
  // The mark read before the query: a commit during it makes the next request ask again.
  if (mark !== undefined) {
    if (answered.mark !== mark || answered.rows.size >= ANSWERS_KEPT) answered.rows = new Map();
    answered.mark = mark;
    answered.rows.set(key, found);
  }
  return found;
}

/**
 * Whose session the cookie names and their access to one product, in one query with only the
 * columns access needs: the gated pages and every media request ask this, so it is the hot path.
 */
export async function sessionAccess(sessionToken: string | undefined, productId: string): Promise<{ email?: string } & AccessState> {
  if (!isWellFormedToken(sessionToken)) return { access: false };
  const found = await sessionRows(getDb(), hashToken(sessionToken), productId);
  const now = nowMs();
  if (!found || found.expiresAt <= now) return { access: false };
  return { email: found.email, ...decideAccess(found.rows, now) };
}
