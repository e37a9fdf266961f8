import { createHash } from 'node:crypto';
import { availability } from '../catalog/availability.ts';
import { findMedia } from '../catalog/media.server.ts';
import { libraryPath, salesPath } from '../catalog/paths.ts';
import { cohortOf, cohortTitle, pick, type Product } from '../catalog/product.ts';
import { getProduct } from '../catalog/products.server.ts';
import { nowMs } from '../core/clock.ts';
import { getEnv } from '../core/env.server.ts';
import { getSite } from '../core/site.server.ts';
import { deadlineLabel } from '../../i18n/format.ts';
import type { Lang } from '../../i18n/lang.ts';
import { t } from '../../i18n/text.ts';
import { hasPurchases, purchasesOf, seatsTaken, type PurchaseRow } from '../payments/purchases.server.ts';
import { accessTo, decideAccess, sessionAccess, type AccessRow } from './access.server.ts';

// What the library pages show: each purchase with its deadline, or why access is gone.

export interface LibraryItem {
  product: Product;
  title: string;
  access: boolean;
  /** "Access until …", "Access ended at …", "Refunded: access ended" */
  state: string;
  /** a certification's cohort and its start: "Spring 2027 cohort · starts at 9 a.m. on Monday, March 1, 2027 (Italy Time)" */
  cohort?: string;
  path: string;
}

/** The cohort line of a purchase, as the library and its emails write it. */
export function cohortLine(product: Product, cohortId: string | null | undefined, lang: Lang, now: number): string | undefined {
  const cohort = cohortOf(product, cohortId);
  if (!cohort) return undefined;
  const values = { cohort: cohortTitle(cohort, lang, getSite().defaultLanguage), date: deadlineLabel(lang, cohort.starts.at, product.timeZone, now) };
  return now < cohort.starts.at ? t(lang, 'course.cohortStarts', values) : t(lang, 'course.cohortStarted', values);
}

export function accessLabel(purchase: AccessRow, product: Product, lang: Lang, now: number): string {
  if (purchase.status === 'refunded') return t(lang, 'library.refunded');
  if (purchase.status === 'disputed') return t(lang, 'library.disputed');
  if (purchase.status === 'revoked') return t(lang, 'library.revoked');
  if (purchase.status === 'pending') return t(lang, 'library.pending');
  if (purchase.accessUntil === null) return t(lang, 'library.forever');
  const date = deadlineLabel(lang, purchase.accessUntil, product.timeZone, now);
  return t(lang, purchase.accessUntil > now ? 'library.until' : 'library.ended', { date });
}

export async function libraryItems(email: string, lang: Lang): Promise<LibraryItem[]> {
  const now = nowMs();
  const d = getSite().defaultLanguage;
  const byProduct = new Map<string, PurchaseRow[]>();
  for (const p of await purchasesOf(email)) byProduct.set(p.productId, [...(byProduct.get(p.productId) ?? []), p]);
  const items: LibraryItem[] = [];
  for (const [productId, rows] of byProduct) {
    const product = getProduct(productId);
    if (!product) continue;
    // The same choice the product's own page makes, so both show the same deadline.
    const decided = decideAccess(rows, now);
    items.push({ product, title: pick(product.title, lang, d), access: decided.access, state: accessLabel(decided.purchase!, product, lang, now), cohort: cohortLine(product, decided.purchase!.cohortId, lang, now), path: libraryPath(lang, productId) });
  }
  return items.sort((a, b) => Number(b.access) - Number(a.access));
}

export type LibraryPage =
  | { kind: 'signed-out' }
  | { kind: 'unknown' }
  | { kind: 'access'; email: string; product: Product; purchase: AccessRow; title: string; state: string }
  | { kind: 'ended'; email: string; product: Product; title: string; state?: string; offer?: LibraryOffer; salesPath: string };

/** What a page without access offers: this very product while it is on sale, else its `next`. */
export interface LibraryOffer {
  which: 'this' | 'next';
  title: string;
  path: string;
}

/** /library/<id>/: the gated content, or what happened to access. */
export async function libraryPage(sessionToken: string | undefined, productId: string | undefined, lang: Lang): Promise<LibraryPage> {
  const product = productId ? getProduct(productId) : undefined;
  const access = await sessionAccess(sessionToken, product?.id ?? '');
  if (!access.email) return { kind: 'signed-out' };
  if (!product) return { kind: 'unknown' };
  const d = getSite().defaultLanguage;
  const title = pick(product.title, lang, d);
  const now = nowMs();
  if (access.access) return { kind: 'access', email: access.email, product, purchase: access.purchase, title, state: accessLabel(access.purchase, product, lang, now) };
  // The buyer asked for this product: while it can be bought, that is the offer. Its `next` is for
  // when it cannot, and not if the buyer already has that one.
  let offer: LibraryOffer | undefined;
  if (availability(product, now, await seatsTaken(product.id, now)).ok) {
    offer = { which: 'this', title, path: salesPath(product, lang) };
  } else {
    const nextProduct = product.next ? getProduct(product.next) : undefined;
    if (nextProduct && !(await accessTo(access.email, nextProduct.id)).access) offer = { which: 'next', title: pick(nextProduct.title, lang, d), path: salesPath(nextProduct, lang) };
  }
  return {
    kind: 'ended',
    email: access.email,
    product,
    title,
    state: access.purchase ? accessLabel(access.purchase, product, lang, now) : undefined,
    offer,
    salesPath: salesPath(product, lang),
  };
}

/**
 * Names what /library/<id>/ shows a buyer with access, beyond the product and the language: the
 * state line (their own deadline, as the page words it at this moment), their cohort and which declared media
 * files are on disk. Two buyers with the same name see the same page, so it is rendered once
 * and kept (docs/decisions/029); a new deadline, a new wording of it or a file copied in names
 * another page.
 */
export function accessVariant(product: Product, purchase: AccessRow, lang: Lang, now: number): string {
  const media = product.media.map((m) => ('url' in m ? 'url' : (findMedia(product.id, m.file)?.type ?? '-'))).join('|');
  const cohort = cohortLine(product, purchase.cohortId, lang, now) ?? '';
  return createHash('sha1').update(`${accessLabel(purchase, product, lang, now)}\u0000${cohort}\u0000${media}`).digest('base64url');
}

/**
 * The variant of /library/<id>/ this session may see now, from the same one query the page asks
 * (sessionAccess); undefined without access, which the page itself then answers. Asked on every
 * request, so a revoked or expired buyer is refused on the very next one.
 */
export async function libraryVariant(sessionToken: string | undefined, productId: string, lang: Lang): Promise<string | undefined> {
  const product = getProduct(productId);
  if (!product) return undefined;
  const access = await sessionAccess(sessionToken, product.id);
  if (!access.email || !access.access) return undefined;
  return accessVariant(product, access.purchase, lang, nowMs());
}

/** Who may be sent a sign-in link: someone who bought (or was given) something, or an admin. */
export async function maySignIn(email: string): Promise<boolean> {
  return getEnv().ADMIN_EMAILS.includes(email) || (await hasPurchases(email));
}
