import { normalizeEmail } from '../auth/login-tokens.ts';
import { nowMs } from '../clock.ts';
import { getDb, serializeWrites } from '../db/client.server.ts';
import { parseMoment, type Product } from '../payments/product.ts';
import { getProduct } from '../payments/products.server.ts';
import { allPurchases, type PurchaseRow } from '../payments/purchases.server.ts';
import { accessUntilFor } from './deadlines.ts';

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
}

export async function grantAccess(input: { email: string; productId: string; until?: string; cohortId?: string; lang?: string }): Promise<GrantResult> {
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
  const lang = input.lang ?? Object.keys(product.title)[0]!;
  return serializeWrites(async () => {
    const db = getDb().$client;
    const updated = await db.execute({
      sql: `UPDATE purchases SET status = 'granted', access_until = ?, cohort_id = ?, status_reason = NULL, updated_at = ? WHERE email = ? AND product_id = ? AND source = 'grant' RETURNING id`,
      args: [accessUntil, cohort?.id ?? null, now, email, product.id],
    });
    if (updated.rows.length === 0) {
      await db.execute({
        sql: `INSERT INTO purchases (email, product_id, cohort_id, lang, source, status, purchased_at, access_until, created_at, updated_at) VALUES (?, ?, ?, ?, 'grant', 'granted', ?, ?, ?, ?)`,
        args: [email, product.id, cohort?.id ?? null, lang, now, accessUntil, now, now],
      });
    }
    return { email, product, cohortId: cohort?.id ?? null, accessUntil, created: updated.rows.length === 0 };
  });
}

/** Ends every live purchase and grant of the product for the address. Returns how many. */
export async function revokeAccess(input: { email: string; productId: string }): Promise<number> {
  const email = requireEmail(input.email);
  const product = requireProduct(input.productId);
  const result = await serializeWrites(() =>
    getDb().$client.execute({
      sql: `UPDATE purchases SET status = 'revoked', status_reason = 'revoked by the author', updated_at = ? WHERE email = ? AND product_id = ? AND status IN ('paid', 'granted', 'pending') RETURNING id`,
      args: [nowMs(), email, product.id],
    }),
  );
  return result.rows.length;
}

export async function listAccess(email?: string): Promise<PurchaseRow[]> {
  return allPurchases(email === undefined ? undefined : requireEmail(email));
}
