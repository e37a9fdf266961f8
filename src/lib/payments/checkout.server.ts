import { randomUUID } from 'node:crypto';
import { and, count, eq, sql, type SQL } from 'drizzle-orm';
import type Stripe from 'stripe';
import { availability, hasAccess, type UnavailableReason } from '../catalog/availability.ts';
import { libraryPath, salesPath } from '../catalog/paths.ts';
import { pick, type Product } from '../catalog/product.ts';
import { getProduct } from '../catalog/products.server.ts';
import { nowMs } from '../core/clock.ts';
import { getDb, serializeWrites } from '../core/db/client.server.ts';
import { purchases } from '../core/db/schema.ts';
import { getEnv } from '../core/env.server.ts';
import { allow, networkKey } from '../core/rate-limit.server.ts';
import { getSite } from '../core/site.server.ts';
import { CONVENTIONS, toLang, type Lang } from '../../i18n/lang.ts';
import { localizedPath } from '../../i18n/paths.ts';
import { committedSeat, holdsSeat, liveHold, purchasesOf, seatsTaken } from './purchases.server.ts';
import { getStripe, META } from './stripe.server.ts';
import { describeError } from '../core/errors.ts';
import { idempotencyKey } from '../core/installation.server.ts';
import { log } from '../core/log.server.ts';

// POST /checkout/<id>: check availability with the same rule the sales page uses, hold a seat,
// create the Checkout Session, hand back its URL.

/** Stripe's shortest allowed session lifetime; the seat is held as long as the session can be paid. */
const SESSION_LIFETIME_S = 30 * 60;
/** Slack for clock differences between Stripe and us before a held seat is given back. */
const RESERVATION_SLACK_MS = 2 * 60_000;
/** Unpaid seats one network (IPv4 address, IPv6 /64) may hold at once in one cohort. */
export const HOLDS_PER_NETWORK = 2;

export type CheckoutOutcome =
  | { ok: true; url: string }
  | { ok: false; status: 404; reason: 'unknown_product' }
  | { ok: false; status: 400; reason: 'unknown_cohort' }
  | { ok: false; status: 409; reason: UnavailableReason | 'payments_off' | 'seats_held' }
  | { ok: false; status: 429; reason: 'too_many' }
  | { ok: false; status: 503; reason: 'stripe_unavailable' };

/**
 * Reserves a row (and, for a cohort, a seat) in one statement, so racing buyers cannot share the
 * last seat: raw SQL where it earns its place, an INSERT … SELECT whose WHERE counts the seats.
 * An anonymous checkout may hold a seat only while all unpaid holds cover less than half the seats
 * not yet paid (rounded up, at least one) and its network holds fewer than HOLDS_PER_NETWORK, so
 * holds alone never fill a cohort (docs/decisions/013). A signed-in buyer is not anonymous.
 */
async function reserve(product: Product, cohortId: string | undefined, seats: number | undefined, lang: Lang, email: string, anonymous: { network?: string } | undefined): Promise<number | undefined> {
  const now = nowMs();
  const reservedUntil = now + SESSION_LIFETIME_S * 1000 + RESERVATION_SLACK_MS;
  const inCohort = and(eq(purchases.productId, product.id), eq(purchases.cohortId, cohortId ?? ''));
  const counted = (where: SQL | undefined) => sql`(SELECT count(*) FROM ${purchases} WHERE ${and(inCohort, where)})`;
  const network = anonymous?.network;
  const share = anonymous ? sql` AND ${counted(liveHold(now))} < max(1, (CAST(${seats} AS INTEGER) - ${counted(committedSeat())} + 1) / 2)` : sql``;
  const perNetwork = network === undefined ? sql`` : sql` AND ${counted(and(liveHold(now), eq(purchases.holdNetwork, network)))} < ${HOLDS_PER_NETWORK}`;
  const seatLeft = seats === undefined ? sql`` : sql` WHERE ${counted(holdsSeat(now))} < ${seats}${share}${perNetwork}`;
  const rows = await serializeWrites(() =>
    getDb().all<{ id: number }>(sql`
      INSERT INTO ${purchases} (email, product_id, cohort_id, lang, source, status, amount, currency, reserved_until, hold_network, created_at, updated_at)
      SELECT ${email}, ${product.id}, ${cohortId ?? null}, ${lang}, 'stripe', 'reserved', ${product.amount ?? null}, ${product.currency?.toLowerCase() ?? null}, ${reservedUntil}, ${network ?? null}, ${now}, ${now}${seatLeft}
      RETURNING id`),
  );
  return rows[0]?.id;
}

/**
 * Why no seat was held: every seat is paid or in a checkout (sold out, as the sales page says);
 * this network already holds its share (429, like the per-IP limit); or the unpaid holds already
 * cover their share of the seats left (409 seats_held: they come back within 32 minutes).
 */
async function refusal(productId: string, cohortId: string, seats: number, network?: string): Promise<{ ok: false; status: 409; reason: 'sold_out' | 'seats_held' } | { ok: false; status: 429; reason: 'too_many' }> {
  const now = nowMs();
  if (((await seatsTaken(productId, now)).get(cohortId) ?? 0) >= seats) return { ok: false, status: 409, reason: 'sold_out' };
  if (network !== undefined) {
    const [own] = await getDb()
      .select({ n: count() })
      .from(purchases)
      .where(and(eq(purchases.productId, productId), eq(purchases.cohortId, cohortId), liveHold(now), eq(purchases.holdNetwork, network)));
    if ((own?.n ?? 0) >= HOLDS_PER_NETWORK) return { ok: false, status: 429, reason: 'too_many' };
  }
  return { ok: false, status: 409, reason: 'seats_held' };
}

async function release(purchaseId: number): Promise<void> {
  await serializeWrites(() => getDb().delete(purchases).where(and(eq(purchases.id, purchaseId), eq(purchases.status, 'reserved'))));
}

/** Checkouts started per IP per 10 minutes (seats held at once are limited in reserve()). */
const CHECKOUT_IP_LIMIT = 10;

export async function startCheckout(input: { productId: string; cohortId?: string; lang: unknown; buyerEmail?: string; ip?: string }): Promise<CheckoutOutcome> {
  const product = getProduct(input.productId);
  if (!product) return { ok: false, status: 404, reason: 'unknown_product' };
  const stripe = getStripe();
  if (!stripe) return { ok: false, status: 409, reason: 'payments_off' };
  if (input.ip !== undefined && !(await allow(`checkout-ip:${input.ip}`, CHECKOUT_IP_LIMIT, 10 * 60_000))) return { ok: false, status: 429, reason: 'too_many' };
  const site = getSite();
  const lang = toLang(input.lang, site);
  const now = nowMs();

  // Someone signed in who can already watch it is sent to it, not charged twice.
  if (input.buyerEmail) {
    const owned = await purchasesOf(input.buyerEmail, product.id);
    if (owned.some((p) => hasAccess(p, now))) return { ok: true, url: libraryPath(lang, product.id) };
  }

  const available = availability(product, now, await seatsTaken(product.id, now), input.cohortId);
  if (!available.ok) return available.reason === 'unknown_cohort' ? { ok: false, status: 400, reason: 'unknown_cohort' } : { ok: false, status: 409, reason: available.reason };
  const cohort = available.cohort;
  const anonymous = input.buyerEmail ? undefined : { network: input.ip === undefined ? undefined : networkKey(input.ip) };
  const purchaseId = await reserve(product, cohort?.id, cohort?.seats, lang, input.buyerEmail ?? '', anonymous);
  if (purchaseId === undefined) return cohort ? refusal(product.id, cohort.id, cohort.seats, anonymous?.network) : { ok: false, status: 409, reason: 'sold_out' };

  const siteUrl = getEnv().SITE_URL;
  const metadata: Record<string, string> = { [META.product]: product.id, [META.lang]: lang, [META.purchase]: String(purchaseId) };
  if (cohort) metadata[META.cohort] = cohort.id;
  const name = pick(product.title, lang, site.defaultLanguage) + (cohort ? ` (${pick(cohort.title, lang, site.defaultLanguage) || cohort.id})` : '');
  const params: Stripe.Checkout.SessionCreateParams = {
    mode: 'payment',
    line_items: [
      product.stripePrice
        ? { price: product.stripePrice, quantity: 1 }
        : { quantity: 1, price_data: { currency: product.currency!.toLowerCase(), unit_amount: product.amount!, product_data: { name, description: pick(product.summary, lang, site.defaultLanguage) } } },
    ],
    metadata,
    payment_intent_data: { metadata },
    allow_promotion_codes: true,
    tax_id_collection: { enabled: true },
    billing_address_collection: 'required',
    invoice_creation: { enabled: true, invoice_data: { metadata } },
    locale: CONVENTIONS[lang].checkoutLocale as Stripe.Checkout.SessionCreateParams.Locale,
    // Stripe checks expires_at against its own clock, not ours (which tests may move).
    expires_at: Math.floor(Date.now() / 1000) + SESSION_LIFETIME_S,
    success_url: `${siteUrl}${localizedPath(lang, '/checkout/success')}?session_id={CHECKOUT_SESSION_ID}`,
    cancel_url: `${siteUrl}${salesPath(product, lang)}`,
  };
  if (input.buyerEmail) params.customer_email = input.buyerEmail;

  let session: Stripe.Checkout.Session;
  try {
    // The key covers the SDK's own retries of this request; the random part keeps a purchase id
    // that repeats (a restored backup) from meeting yesterday's key (docs/decisions/012).
    session = await stripe.checkout.sessions.create(params, { idempotencyKey: await idempotencyKey(`checkout/purchase-${purchaseId}/${randomUUID().slice(0, 8)}`) });
  } catch (err) {
    await release(purchaseId);
    log.error('checkout.failed', { product: product.id, message: `Stripe refused or did not answer: ${describeError(err)}` });
    return { ok: false, status: 503, reason: 'stripe_unavailable' };
  }
  await serializeWrites(() => getDb().update(purchases).set({ checkoutSessionId: session.id, updatedAt: nowMs() }).where(eq(purchases.id, purchaseId)));
  if (!session.url) return { ok: false, status: 503, reason: 'stripe_unavailable' };
  return { ok: true, url: session.url };
}
