import { and, count, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { getDb } from '../core/db/client.server.ts';
import { PURCHASE_STATUSES, purchases, type PurchaseStatus } from '../core/db/schema.ts';
import { normalizeEmail } from '../core/email-address.ts';
import { getEnv } from '../core/env.server.ts';
import { certify, CertifyError, revokeCertificate, sendCertificateEmail } from '../access/certificates.server.ts';
import { grantAccess, GrantError, revokeAccessRows } from '../access/grants.server.ts';
import { grantNotice, revokeNotice, sendAccessNotice } from '../access/notices.server.ts';
import { ProductError } from '../catalog/product.ts';
import { getProducts } from '../catalog/products.server.ts';
import { PURCHASE_COLUMNS } from '../payments/purchases.server.ts';
import { log } from '../core/log.server.ts';

// The author's list of purchases and grants (/admin/purchases/): filter, page, act, export.
// Reservations and expired holds are Checkout plumbing, not purchases, so they never show.

export const PAGE_SIZE = 50;
const HIDDEN: PurchaseStatus[] = ['reserved', 'expired'];
export const LISTED_STATUSES = PURCHASE_STATUSES.filter((s) => !HIDDEN.includes(s));

export interface PurchaseFilter {
  product?: string;
  status?: PurchaseStatus;
  /** one buyer's purchases and grants */
  email?: string;
  page: number;
}

/** Reads the GET form; an unknown product or status is ignored rather than answered with an error page. */
export function parseFilter(params: URLSearchParams): PurchaseFilter {
  const product = params.get('product') ?? '';
  const status = params.get('status') ?? '';
  const page = Number.parseInt(params.get('page') ?? '1', 10);
  return {
    product: getProducts().has(product) ? product : undefined,
    email: normalizeEmail(params.get('email') ?? '') ?? undefined,
    status: (LISTED_STATUSES as readonly string[]).includes(status) ? (status as PurchaseStatus) : undefined,
    page: Number.isFinite(page) && page >= 1 && page <= 100_000 ? page : 1,
  };
}

const COLUMNS = { ...PURCHASE_COLUMNS, createdAt: purchases.createdAt };
export type AdminPurchase = Pick<typeof purchases.$inferSelect, keyof typeof COLUMNS>;

function where(filter: Omit<PurchaseFilter, 'page'>): SQL | undefined {
  return and(
    filter.product ? eq(purchases.productId, filter.product) : undefined,
    filter.email ? eq(purchases.email, filter.email) : undefined,
    filter.status ? eq(purchases.status, filter.status) : inArray(purchases.status, LISTED_STATUSES),
  );
}

const newestFirst = [desc(sql`COALESCE(${purchases.purchasedAt}, ${purchases.createdAt})`), desc(purchases.id)];

export async function listPurchases(filter: PurchaseFilter): Promise<{ rows: AdminPurchase[]; total: number; pages: number }> {
  const db = getDb();
  const [rows, [totals]] = await Promise.all([
    db.select(COLUMNS).from(purchases).where(where(filter)).orderBy(...newestFirst).limit(PAGE_SIZE).offset((filter.page - 1) * PAGE_SIZE),
    db.select({ n: count() }).from(purchases).where(where(filter)),
  ]);
  const total = totals?.n ?? 0;
  return { rows, total, pages: Math.max(1, Math.ceil(total / PAGE_SIZE)) };
}

/** Every matching row for the accounting export, oldest first (the order a ledger reads). */
export function allPurchasesFor(filter: Omit<PurchaseFilter, 'page'>): Promise<AdminPurchase[]> {
  return getDb().select(COLUMNS).from(purchases).where(where(filter)).orderBy(sql`COALESCE(${purchases.purchasedAt}, ${purchases.createdAt})`, purchases.id);
}

/**
 * Stripe's dashboard page for the payment: the PaymentIntent when the webhook recorded one, else the
 * Checkout Session. Test or live from the key, as Stripe's own URLs split them; none for a grant.
 */
export function stripeDashboardUrl(row: Pick<AdminPurchase, 'paymentIntentId' | 'checkoutSessionId'>): string | undefined {
  const key = getEnv().STRIPE_SECRET_KEY ?? '';
  const base = /^(sk|rk)_live_/.test(key) ? 'https://dashboard.stripe.com' : 'https://dashboard.stripe.com/test';
  if (row.paymentIntentId) return `${base}/payments/${encodeURIComponent(row.paymentIntentId)}`;
  if (row.checkoutSessionId) return `${base}/checkout/sessions/${encodeURIComponent(row.checkoutSessionId)}`;
  return undefined;
}

export type PurchaseAction = 'grant' | 'extend' | 'revoke' | 'certify' | 'uncertify';
/** Whether the buyer was emailed about the change: asked and sent, asked and failed (the change stands). */
export type MailOutcome = 'sent' | 'failed';
export type ActionResult = { ok: true; flash: string; mail?: MailOutcome } | { ok: false; error: string };

/**
 * The dashboard's grant, extend and revoke: the same functions as `drumbeat access grant/revoke`.
 * "extend" is a grant with a new access-until (a grant row of its own; the best row wins).
 * The flash is a short code the list page turns into a sentence in the reader's language.
 * With `notify` ticked the buyer gets an email about it, after the change is saved.
 */
export async function runPurchaseAction(form: FormData): Promise<ActionResult> {
  const action = String(form.get('action') ?? '');
  const email = String(form.get('email') ?? '');
  const productId = String(form.get('product') ?? '');
  const until = String(form.get('until') ?? '').trim();
  const cohortId = String(form.get('cohort') ?? '').trim();
  const notify = form.get('notify') !== null;
  const mailed = async (notice: Parameters<typeof sendAccessNotice>[0] | undefined): Promise<{ mail?: MailOutcome }> => {
    if (!notify || !notice) return {};
    const outcome = await sendAccessNotice(notice);
    if (outcome.sent) return { mail: 'sent' };
    // The page says only that it failed; the why (a provider's words) goes to the server log, without the address.
    log.error('access.notice', { change: notice.change, purchases: notice.purchaseIds.join(','), message: `not sent: ${outcome.reason}` });
    return { mail: 'failed' };
  };
  try {
    if (action === 'grant' || action === 'extend') {
      if (action === 'extend' && !until) return { ok: false, error: 'until' };
      const granted = await grantAccess({ email, productId, until: until || undefined, cohortId: cohortId || undefined });
      return { ok: true, flash: action === 'grant' ? 'granted' : 'extended', ...(await mailed(grantNotice(granted))) };
    }
    if (action === 'revoke') {
      const revoked = await revokeAccessRows({ email, productId });
      return { ok: true, flash: revoked.purchaseIds.length === 0 ? 'nothing' : 'revoked', ...(await mailed(revokeNotice(revoked))) };
    }
    // The same as `drumbeat certify` (docs/decisions/032): the participant is always emailed the link.
    if (action === 'certify') {
      const r = await certify({ email, productId, name: String(form.get('name') ?? '').trim() || undefined });
      if (!r.created) return { ok: true, flash: 'certifiedAlready' };
      const outcome = await sendCertificateEmail(r.certificate);
      if (!outcome.sent) log.error('certificate.email', { certificate: r.certificate.id.slice(0, 4), message: `not sent: ${outcome.reason}` });
      return { ok: true, flash: 'certified', mail: outcome.sent ? 'sent' : 'failed' };
    }
    if (action === 'uncertify') {
      const r = await revokeCertificate({ email, productId });
      return { ok: true, flash: r.revoked.length === 0 ? 'nothing' : 'uncertified' };
    }
    return { ok: false, error: 'action' };
  } catch (err) {
    if (err instanceof GrantError || err instanceof ProductError || err instanceof CertifyError) return { ok: false, error: err.message };
    throw err;
  }
}

const CSV_COLUMNS = ['date', 'email', 'product', 'cohort', 'status', 'amount', 'currency', 'stripe_session', 'stripe_payment'] as const;

function csvCell(value: string): string {
  // A leading = + - @ makes a spreadsheet run the cell as a formula: quote it as text.
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** Accounting's CSV: ISO dates (UTC), amounts in major units with the currency's decimals. */
export function purchasesCsv(rows: AdminPurchase[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of rows) {
    const at = r.purchasedAt ?? r.createdAt;
    const digits = r.currency ? new Intl.NumberFormat('en', { style: 'currency', currency: r.currency }).resolvedOptions().maximumFractionDigits ?? 2 : 2;
    const amount = r.amount === null ? '' : (r.amount / 10 ** digits).toFixed(digits);
    lines.push(
      [new Date(at).toISOString(), r.email, r.productId, r.cohortId ?? '', r.status, amount, (r.currency ?? '').toUpperCase(), r.checkoutSessionId ?? '', r.paymentIntentId ?? '']
        .map(csvCell)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}
