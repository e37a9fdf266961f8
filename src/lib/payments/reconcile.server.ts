import { eq, sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import { nowMs } from '../core/clock.ts';
import { getDb, serializeWrites } from '../core/db/client.server.ts';
import { appSettings, purchases } from '../core/db/schema.ts';
import { describeError } from '../core/errors.ts';
import { applyDispute, applyRefundedCharge, fulfilCheckoutSession, type FulfilOutcome } from './fulfil.server.ts';
import { DEFAULT_SINCE, parsePeriod } from './period.ts';
import { PURCHASE_COLUMNS, purchaseBySession, type PurchaseRow } from './purchases.server.ts';
import { getStripe, stripeId } from './stripe.server.ts';
import { maskEmail } from './success.server.ts';
import { log } from '../core/log.server.ts';

// Reconciliation (docs/decisions/023): webhooks can be missed (the site down longer than Stripe
// retries, a wrong STRIPE_WEBHOOK_SECRET for a day). This lists what Stripe knows of a period
// (completed Checkout Sessions, refunds, disputes) and feeds each through the very functions the
// webhook calls. They are idempotent, so what was already applied stays as it is and a second run
// changes nothing; what was missed ends where the webhook would have put it.

/** What the last run did, kept in app_settings for the dashboard and `payments reconcile`. */
export interface ReconcileResult {
  startedAt: number;
  finishedAt: number;
  /** the period looked at, in ms back from startedAt */
  sinceMs: number;
  by: 'scheduler' | 'cli';
  ok: boolean;
  /** why the run stopped (Stripe did not answer, …) */
  error?: string;
  checked: { sessions: number; refunds: number; disputes: number };
  fixed: { purchases: number; receipts: number; revocations: number };
  /** items that could not be applied this time (the next run tries again) */
  failed: number;
  /** one line per item fixed or failed; addresses masked */
  lines: string[];
}

export const LAST_RUN_KEY = 'payments_reconcile_last';
/** When the scheduler's next run is due (ms since the epoch); claiming it moves it on. */
const DUE_KEY = 'payments_reconcile_due';
export const RECONCILE_EVERY_MS = 86_400_000;
/** After a failed run (Stripe unreachable), try again within the hour rather than tomorrow. */
const RETRY_AFTER_MS = 3_600_000;
/** Lines kept with the stored result; the counts are always complete. */
const LINES_KEPT = 50;

function who(p: PurchaseRow): string {
  return `purchase ${p.id} (${p.productId}${p.cohortId ? `/${p.cohortId}` : ''}, ${p.email ? maskEmail(p.email) : 'no address'})`;
}

async function purchasesOfPayment(paymentIntent: string): Promise<PurchaseRow[]> {
  return getDb().select(PURCHASE_COLUMNS).from(purchases).where(eq(purchases.paymentIntentId, paymentIntent));
}

/**
 * Lists the period from Stripe and applies it. Throws only when payments are not configured;
 * Stripe failing is reported in the result (ok: false) and stored like any other run.
 */
export async function reconcilePayments(opts: { sinceMs?: number; by?: ReconcileResult['by'] } = {}): Promise<ReconcileResult> {
  const stripe = getStripe();
  if (!stripe) throw new Error('payments are not configured (STRIPE_SECRET_KEY is unset)');
  const startedAt = nowMs();
  const sinceMs = opts.sinceMs ?? parsePeriod(DEFAULT_SINCE);
  const result: ReconcileResult = {
    startedAt, finishedAt: startedAt, sinceMs, by: opts.by ?? 'cli', ok: true,
    checked: { sessions: 0, refunds: 0, disputes: 0 }, fixed: { purchases: 0, receipts: 0, revocations: 0 }, failed: 0, lines: [],
  };
  const created = { gte: Math.floor((startedAt - sinceMs) / 1000) };
  const failed = (what: string, err: unknown) => {
    result.failed++;
    result.lines.push(`${what}: not applied, the next run tries again: ${describeError(err)}`);
  };
  const revocation = async (what: string, paymentIntent: string | null, apply: () => Promise<FulfilOutcome>) => {
    try {
      if ((await apply()) !== 'revoked' || !paymentIntent) return;
      result.fixed.revocations++;
      for (const p of await purchasesOfPayment(paymentIntent)) result.lines.push(`${what}: ${who(p)} is now ${p.status}`);
    } catch (err) {
      failed(what, err);
    }
  };
  try {
    // Refunds and disputes first: a sale missed and then refunded becomes a refunded purchase
    // without a receipt for something the buyer no longer has (the webhook would have mailed one
    // before the refund; the state it ends in is the same).
    const charges = new Set<string>();
    for await (const refund of stripe.refunds.list({ created, limit: 100, expand: ['data.charge'] })) {
      result.checked.refunds++;
      const charge = refund.charge;
      if (!charge || typeof charge === 'string') {
        failed(`refund ${refund.id}`, new Error('Stripe did not expand its charge'));
        continue;
      }
      // Several partial refunds of one charge: the charge says whether it is refunded in full.
      if (charges.has(charge.id)) continue;
      charges.add(charge.id);
      await revocation(`refund ${refund.id}`, stripeId(charge.payment_intent), () => applyRefundedCharge(charge));
    }
    for await (const dispute of stripe.disputes.list({ created, limit: 100 })) {
      result.checked.disputes++;
      await revocation(`dispute ${dispute.id}`, stripeId(dispute.payment_intent), () => applyDispute(dispute));
    }
    // Open and expired sessions took no money: only completed ones can owe anyone access.
    for await (const session of stripe.checkout.sessions.list({ created, status: 'complete', limit: 100 })) {
      result.checked.sessions++;
      await reconcileSession(session, result, failed);
    }
  } catch (err) {
    result.ok = false;
    result.error = `Stripe did not answer the listing: ${describeError(err)}`;
  }
  result.finishedAt = nowMs();
  await saveResult(result);
  return result;
}

async function reconcileSession(session: Stripe.Checkout.Session, result: ReconcileResult, failed: (what: string, err: unknown) => void): Promise<void> {
  const before = await purchaseBySession(session.id);
  try {
    await fulfilCheckoutSession(session);
  } catch (err) {
    // ReceiptNotSent among them: the purchase is stored, the scheduler's tick resends the receipt.
    failed(`session ${session.id}`, err);
  }
  const after = await purchaseBySession(session.id);
  if (!after) return; // not one of ours (another product on the same Stripe account)
  const became = before?.status !== after.status && after.status !== 'reserved' && after.status !== 'expired';
  const mailed = before?.receiptSentAt == null && after.receiptSentAt !== null;
  if (became) {
    if (after.status === 'paid') result.fixed.purchases++;
    else if (after.status === 'refunded' || after.status === 'disputed') result.fixed.revocations++;
  }
  if (mailed) result.fixed.receipts++;
  if (became || mailed) {
    const was = before ? `was ${before.status}` : 'was missing';
    result.lines.push(`session ${session.id}: ${who(after)} is now ${after.status} (${was})${mailed ? ', receipt sent' : ''}`);
  }
}

async function saveResult(result: ReconcileResult): Promise<void> {
  const stored: ReconcileResult = { ...result, lines: result.lines.slice(0, LINES_KEPT) };
  const value = JSON.stringify(stored);
  await serializeWrites(() => getDb().insert(appSettings).values({ key: LAST_RUN_KEY, value }).onConflictDoUpdate({ target: appSettings.key, set: { value } }));
}

/** The stored result of the last run, or undefined when none ran (or what is stored is unreadable). */
export function parseLastRun(value: string | null | undefined): ReconcileResult | undefined {
  if (!value) return undefined;
  try {
    const r = JSON.parse(value) as ReconcileResult;
    return typeof r.startedAt === 'number' && typeof r.ok === 'boolean' && r.checked && r.fixed ? r : undefined;
  } catch {
    return undefined;
  }
}

export async function lastReconcile(): Promise<ReconcileResult | undefined> {
  const row = await getDb().query.appSettings.findFirst({ where: eq(appSettings.key, LAST_RUN_KEY) });
  return parseLastRun(row?.value);
}

/** Everything a run fixed, counted once. */
export function fixedCount(r: Pick<ReconcileResult, 'fixed'>): number {
  return r.fixed.purchases + r.fixed.receipts + r.fixed.revocations;
}

/**
 * The scheduler's daily run: taken by one process of however many share the database (one
 * conditional upsert moves the due time on), skipped without Stripe. Never throws.
 */
export async function reconcileIfDue(): Promise<ReconcileResult | undefined> {
  if (!getStripe()) return undefined;
  try {
    const now = nowMs();
    const next = String(now + RECONCILE_EVERY_MS);
    const claimed = await serializeWrites(() =>
      getDb()
        .insert(appSettings)
        .values({ key: DUE_KEY, value: next })
        .onConflictDoUpdate({ target: appSettings.key, set: { value: next }, setWhere: sql`CAST(${appSettings.value} AS INTEGER) <= ${now}` })
        .returning({ key: appSettings.key }),
    );
    if (claimed.length === 0) return undefined;
    const result = await reconcilePayments({ by: 'scheduler' });
    if (!result.ok) {
      const retry = String(nowMs() + RETRY_AFTER_MS);
      await serializeWrites(() => getDb().update(appSettings).set({ value: retry }).where(eq(appSettings.key, DUE_KEY)));
    }
    return result;
  } catch (err) {
    log.error('payments.reconcile', { outcome: 'failed', message: describeError(err) });
    return undefined;
  }
}
