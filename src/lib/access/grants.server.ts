import { and, desc, eq, inArray } from 'drizzle-orm';
import { accessUntilFor, hasAccess } from '../catalog/availability.ts';
import { parseMoment, type Product } from '../catalog/product.ts';
import { getProduct } from '../catalog/products.server.ts';
import { nowMs } from '../core/clock.ts';
import { getDb, serializeWrites } from '../core/db/client.server.ts';
import { purchases, subscribers } from '../core/db/schema.ts';
import { normalizeEmail } from '../core/email-address.ts';
import { getSite } from '../core/site.server.ts';
import { toLang, type Lang } from '../../i18n/lang.ts';
import { allPurchases, type ListedPurchase } from '../payments/purchases.server.ts';

// The author's hand on access: comp someone, extend a deadline, take access away. A grant is its
// own row (source 'grant'), so a Stripe purchase keeps its record and the best row wins.

export class GrantError extends Error {}

/**
 * "2027-04-30" (end of that day), "2027-04-30T18:00" (in the product's zone), a moment with its own
 * zone ("2027-04-30T18:00 Europe/Rome"), full ISO with offset, or "never".
 */
export function parseUntil(text: string, timeZone: string): number | null {
  const value = text.trim();
  if (value === 'never') return null;
  const withZone = parseMoment(value);
  if (withZone) return withZone.at;
  let m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (m) {
    const zoned = parseMoment(`${value}T23:59:59 ${timeZone}`);
    if (zoned) return zoned.at;
  }
  m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (m) {
    const zoned = parseMoment(`${value} ${timeZone}`);
    if (zoned) return zoned.at;
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) {
    const at = Date.parse(value);
    if (!Number.isNaN(at)) return at;
  }
  throw new GrantError(`--until "${text}" is not a date: use 2027-04-30, 2027-04-30T18:00 (${timeZone}), 2027-04-30T18:00 Europe/Rome, an ISO time with offset, or never`);
}

function requireEmail(value: string): string {
  const email = normalizeEmail(value);
  if (!email) throw new GrantError(`"${value}" is not an email address`);
  return email;
}

function requireProduct(id: string): Product {
  const product = getProduct(id);
  if (!product) throw new GrantError(`no product "${id}" in content/products/`);
  return product;
}

export interface GrantResult {
  email: string;
  product: Product;
  cohortId: string | null;
  accessUntil: number | null;
  created: boolean;
  /** the grant row */
  purchaseId: number;
  /** the language the buyer reads (the grant row's) */
  lang: Lang;
  /** from the buyer's side: access they did not have, or a new end to access they had */
  change: 'granted' | 'updated';
  /** when the row changed: with purchaseId, names this one change (the notice's idempotency key) */
  changedAt: number;
}

/**
 * The language of someone we have never sold to under this product: the one they bought in before,
 * else the one they subscribed in, else the product's first (an Italian-only product gets Italian).
 */
async function buyerLang(email: string, product: Product): Promise<Lang> {
  const site = getSite();
  const db = getDb();
  const [bought] = await db.select({ lang: purchases.lang }).from(purchases).where(eq(purchases.email, email)).orderBy(desc(purchases.id)).limit(1);
  if (bought) return toLang(bought.lang, site);
  const [subscribed] = await db.select({ lang: subscribers.lang }).from(subscribers).where(eq(subscribers.email, email));
  if (subscribed) return toLang(subscribed.lang, site);
  return toLang(Object.keys(product.title)[0], site);
}

export async function grantAccess(input: { email: string; productId: string; until?: string; cohortId?: string; lang?: Lang }): Promise<GrantResult> {
  const email = requireEmail(input.email);
  const product = requireProduct(input.productId);
  let cohort = undefined;
  if (product.kind === 'certification') {
    cohort = input.cohortId ? product.cohorts.find((c) => c.id === input.cohortId) : product.cohorts.find((c) => c.accessUntil.at > nowMs()) ?? product.cohorts.at(-1);
    if (!cohort) throw new GrantError(`no cohort "${input.cohortId}" in ${product.id} (cohorts: ${product.cohorts.map((c) => c.id).join(', ')})`);
  } else if (input.cohortId) {
    throw new GrantError(`${product.id} has no cohorts`);
  }
  const now = nowMs();
  const accessUntil = input.until === undefined ? accessUntilFor(product, cohort, now) : parseUntil(input.until, product.timeZone);
  const lang = input.lang ?? (await buyerLang(email, product));
  const cohortId = cohort?.id ?? null;
  const db = getDb();
  return serializeWrites(async () => {
    const before = await db.select({ status: purchases.status, accessUntil: purchases.accessUntil }).from(purchases).where(and(eq(purchases.email, email), eq(purchases.productId, product.id)));
    const change = before.some((r) => hasAccess(r, now)) ? 'updated' : 'granted';
    const updated = await db
      .update(purchases)
      .set({ status: 'granted', accessUntil, cohortId, statusReason: null, updatedAt: now })
      .where(and(eq(purchases.email, email), eq(purchases.productId, product.id), eq(purchases.source, 'grant')))
      .returning({ id: purchases.id, lang: purchases.lang });
    let row = updated[0];
    if (!row) {
      [row] = await db
        .insert(purchases)
        .values({ email, productId: product.id, cohortId, lang, source: 'grant', status: 'granted', purchasedAt: now, accessUntil, createdAt: now, updatedAt: now })
        .returning({ id: purchases.id, lang: purchases.lang });
    }
    return { email, product, cohortId, accessUntil, created: updated.length === 0, purchaseId: row!.id, lang: toLang(row!.lang, getSite()), change, changedAt: now };
  });
}

export interface RevokeResult {
  email: string;
  product: Product;
  /** the rows revoked (none: nothing changed) */
  purchaseIds: number[];
  /** the language of the first of them, for the notice */
  lang: Lang;
  changedAt: number;
}

/** Ends every live purchase and grant of the product for the address, saying which. */
export async function revokeAccessRows(input: { email: string; productId: string }): Promise<RevokeResult> {
  const email = requireEmail(input.email);
  const product = requireProduct(input.productId);
  const now = nowMs();
  const revoked = await serializeWrites(() =>
    getDb()
      .update(purchases)
      .set({ status: 'revoked', statusReason: 'revoked by the author', updatedAt: now })
      .where(and(eq(purchases.email, email), eq(purchases.productId, product.id), inArray(purchases.status, ['paid', 'granted', 'pending'])))
      .returning({ id: purchases.id, lang: purchases.lang }),
  );
  revoked.sort((a, b) => a.id - b.id);
  const lang = revoked[0] ? toLang(revoked[0].lang, getSite()) : await buyerLang(email, product);
  return { email, product, purchaseIds: revoked.map((r) => r.id), lang, changedAt: now };
}

/** Ends every live purchase and grant of the product for the address. Returns how many. */
export async function revokeAccess(input: { email: string; productId: string }): Promise<number> {
  return (await revokeAccessRows(input)).purchaseIds.length;
}

export async function listAccess(email?: string): Promise<ListedPurchase[]> {
  return allPurchases(email === undefined ? undefined : requireEmail(email));
}
