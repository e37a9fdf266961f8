import { randomBytes } from 'node:crypto';
import { and, asc, desc, eq, inArray, isNotNull, isNull } from 'drizzle-orm';
import { cohortOf, cohortTitle, pick, type Product } from '../catalog/product.ts';
import { getProduct } from '../catalog/products.server.ts';
import { nowMs } from '../core/clock.ts';
import { getDb, serializeWrites } from '../core/db/client.server.ts';
import { certificates, purchases, subscribers } from '../core/db/schema.ts';
import { normalizeEmail } from '../core/email-address.ts';
import { describeError } from '../core/errors.ts';
import { getEnv } from '../core/env.server.ts';
import { getSite } from '../core/site.server.ts';
import { renderCertificateEmail } from '../email/render.server.ts';
import { idempotencyKey, sendEmail } from '../email/transport.server.ts';
import { formatDate } from '../../i18n/format.ts';
import { toLang, type Lang } from '../../i18n/lang.ts';
import { certificatePath } from '../../i18n/paths.ts';
import { t } from '../../i18n/text.ts';

// Certificates of qualified participants (docs/decisions/032): the author issues and revokes them
// (`drumbeat certify`, the dashboard); the page at /certificates/<id>/ proves them to anyone
// holding the link. The id is 128 random bits: nothing about the person can be guessed from it.

export class CertifyError extends Error {}

export type CertificateRow = typeof certificates.$inferSelect;

const ID_RE = /^[A-Za-z0-9_-]{22}$/;
const NAME_MAX = 120;

export function newCertificateId(): string {
  return randomBytes(16).toString('base64url');
}

function requireEmail(value: string): string {
  const email = normalizeEmail(value);
  if (!email) throw new CertifyError(`"${value}" is not an email address`);
  return email;
}

function requireCertification(id: string): Product {
  const product = getProduct(id);
  if (!product) throw new CertifyError(`no product "${id}" in content/products/`);
  if (product.kind !== 'certification') throw new CertifyError(`${id} is a workshop, not a certification`);
  return product;
}

/** A name fit to print: one line, not empty, not absurdly long. */
export function cleanName(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const name = value.replace(/\s+/g, ' ').trim();
  // eslint-disable-next-line no-control-regex
  if (name === '' || name.length > NAME_MAX || /[\u0000-\u001f\u007f<>]/.test(name)) return undefined;
  return name;
}

export interface CertifyResult {
  certificate: CertificateRow;
  product: Product;
  /** false: the participant already held a valid certificate, which is returned unchanged */
  created: boolean;
}

/**
 * Marks a participant qualified. They must have bought (or been given) the certification; access
 * may have ended since. The name is the one given, else the one their subscription carries.
 */
export async function certify(input: { email: string; productId: string; name?: string }): Promise<CertifyResult> {
  const email = requireEmail(input.email);
  const product = requireCertification(input.productId);
  if (input.name !== undefined && cleanName(input.name) === undefined) throw new CertifyError(`the name must be one line of at most ${NAME_MAX} characters, without < or >`);
  const db = getDb();
  return serializeWrites(async () => {
    const [existing] = await db.select().from(certificates).where(and(eq(certificates.email, email), eq(certificates.productId, product.id), isNull(certificates.revokedAt))).limit(1);
    if (existing) return { certificate: existing, product, created: false };
    const [purchase] = await db
      .select({ cohortId: purchases.cohortId, lang: purchases.lang })
      .from(purchases)
      .where(and(eq(purchases.email, email), eq(purchases.productId, product.id), inArray(purchases.status, ['paid', 'granted'])))
      .orderBy(desc(purchases.id))
      .limit(1);
    if (!purchase) throw new CertifyError(`${email} has no purchase or grant of ${product.id}: only a participant can be certified`);
    let name = cleanName(input.name);
    if (!name) {
      const [sub] = await db.select({ name: subscribers.name }).from(subscribers).where(eq(subscribers.email, email)).limit(1);
      name = cleanName(sub?.name ?? undefined);
    }
    if (!name) throw new CertifyError(`no name is known for ${email}: give the name to print, e.g. --name "Ada Lovelace"`);
    const row: CertificateRow = {
      id: newCertificateId(),
      email,
      productId: product.id,
      cohortId: purchase.cohortId,
      name,
      lang: toLang(purchase.lang, getSite()),
      issuedAt: nowMs(),
      revokedAt: null,
      emailSentAt: null,
      listedAt: null,
      directoryName: null,
      directoryCity: null,
      directoryUrl: null,
    };
    await db.insert(certificates).values(row);
    return { certificate: row, product, created: true };
  });
}

/** Revokes the participant's valid certificates of a product; their pages say so from now on. */
export async function revokeCertificate(input: { email: string; productId: string }): Promise<{ email: string; product: Product; revoked: CertificateRow[] }> {
  const email = requireEmail(input.email);
  const product = requireCertification(input.productId);
  const now = nowMs();
  const revoked = await serializeWrites(() =>
    getDb()
      .update(certificates)
      .set({ revokedAt: now, listedAt: null })
      .where(and(eq(certificates.email, email), eq(certificates.productId, product.id), isNull(certificates.revokedAt)))
      .returning(),
  );
  return { email, product, revoked };
}

export async function certificateById(id: string): Promise<CertificateRow | undefined> {
  if (!ID_RE.test(id)) return undefined;
  const [row] = await getDb().select().from(certificates).where(eq(certificates.id, id)).limit(1);
  return row;
}

export function certificatesOf(email: string): Promise<CertificateRow[]> {
  return getDb().select().from(certificates).where(eq(certificates.email, email)).orderBy(desc(certificates.issuedAt));
}

/** The valid certificates of these addresses (the dashboard's purchase list), by "email/product". */
export async function validCertificatesOf(emails: readonly string[]): Promise<Map<string, CertificateRow>> {
  const unique = [...new Set(emails.filter((e) => e !== ''))];
  if (unique.length === 0) return new Map();
  const rows = await getDb().select().from(certificates).where(and(inArray(certificates.email, unique), isNull(certificates.revokedAt)));
  return new Map(rows.map((r) => [`${r.email}/${r.productId}`, r]));
}

export interface CertificateView {
  id: string;
  name: string;
  programme: string;
  cohort?: string;
  /** "from March 1, 2027" style: the cohort's first day */
  cohortStart?: string;
  issued: string;
  issuedIso: string;
  revoked?: string;
  url: string;
  path: string;
}

export function certificateView(row: CertificateRow, lang: Lang): CertificateView {
  const site = getSite();
  const product = getProduct(row.productId);
  const zone = product?.timeZone ?? site.timeZone;
  const cohort = product ? cohortOf(product, row.cohortId) : undefined;
  const path = certificatePath(lang, row.id);
  return {
    id: row.id,
    name: row.name,
    programme: product ? pick(product.title, lang, site.defaultLanguage) : row.productId,
    cohort: cohort && product ? cohortTitle(cohort, lang, site.defaultLanguage) : (row.cohortId ?? undefined),
    cohortStart: cohort ? formatDate(lang, cohort.starts.at, zone) : undefined,
    issued: formatDate(lang, row.issuedAt, zone),
    issuedIso: new Date(row.issuedAt).toISOString(),
    revoked: row.revokedAt === null ? undefined : formatDate(lang, row.revokedAt, zone),
    url: `${getEnv().SITE_URL}${path}`,
    path,
  };
}

export type MailOutcome = { sent: true; lang: Lang } | { sent: false; reason: string };

/** The participant's email with the link; the certificate stands whatever happens here. */
export async function sendCertificateEmail(row: CertificateRow): Promise<MailOutcome> {
  const site = getSite();
  const lang = toLang(row.lang, site);
  const view = certificateView(row, lang);
  try {
    const rendered = await renderCertificateEmail({
      lang,
      siteTitle: site.title,
      authorName: site.author.name,
      name: row.name,
      programme: view.programme,
      cohortLabel: view.cohort ? (view.cohortStart ? t(lang, 'certificate.cohortFrom', { cohort: view.cohort, date: view.cohortStart }) : view.cohort) : null,
      issuedLabel: view.issued,
      certificateUrl: view.url,
    });
    await sendEmail({ to: row.email, ...rendered, tags: [{ name: 'category', value: 'certificate' }] }, { idempotencyKey: await idempotencyKey(`certificate/${row.id}`) });
    await serializeWrites(() => getDb().update(certificates).set({ emailSentAt: nowMs() }).where(eq(certificates.id, row.id)));
    return { sent: true, lang };
  } catch (err) {
    return { sent: false, reason: describeError(err) };
  }
}

// The coaches' directory: each coach's own opt-in from their library, per certificate.

export interface Listing {
  name: string;
  city: string;
  url: string;
}

const FIELD_MAX = 80;

/** The listing a form asks for, or what is wrong with it (a key of the reader text). */
export function parseListing(fields: Record<string, unknown>): { ok: true; listing: Listing } | { ok: false; error: 'directory.errorName' | 'directory.errorCity' | 'directory.errorUrl' } {
  const name = cleanName(fields.name);
  if (!name || name.length > FIELD_MAX) return { ok: false, error: 'directory.errorName' };
  const city = cleanName(fields.city);
  if (!city || city.length > FIELD_MAX) return { ok: false, error: 'directory.errorCity' };
  const raw = typeof fields.url === 'string' ? fields.url.trim() : '';
  let url = '';
  if (raw !== '') {
    try {
      const parsed = new URL(raw);
      if ((parsed.protocol !== 'https:' && parsed.protocol !== 'http:') || raw.length > 200 || parsed.username || parsed.password) return { ok: false, error: 'directory.errorUrl' };
      url = parsed.href;
    } catch {
      return { ok: false, error: 'directory.errorUrl' };
    }
  }
  return { ok: true, listing: { name, city, url } };
}

/** Lists (or, with null, unlists) a valid certificate of the email's; false when there is none. */
export async function setListing(email: string, certificateId: string, listing: Listing | null): Promise<boolean> {
  const changed = await serializeWrites(() =>
    getDb()
      .update(certificates)
      .set(listing ? { listedAt: nowMs(), directoryName: listing.name, directoryCity: listing.city, directoryUrl: listing.url || null } : { listedAt: null })
      .where(and(eq(certificates.id, certificateId), eq(certificates.email, email), isNull(certificates.revokedAt)))
      .returning({ id: certificates.id }),
  );
  return changed.length > 0;
}

export interface DirectoryEntry {
  name: string;
  city: string;
  url?: string;
  programme: string;
}

/** Every coach who opted in with a valid certificate, by name. */
export async function directory(lang: Lang): Promise<DirectoryEntry[]> {
  const site = getSite();
  const rows = await getDb()
    .select({ name: certificates.directoryName, city: certificates.directoryCity, url: certificates.directoryUrl, productId: certificates.productId })
    .from(certificates)
    .where(and(isNotNull(certificates.listedAt), isNull(certificates.revokedAt)))
    .orderBy(asc(certificates.directoryName));
  return rows.map((r) => {
    const product = getProduct(r.productId);
    return { name: r.name ?? '', city: r.city ?? '', url: r.url ?? undefined, programme: product ? pick(product.title, lang, site.defaultLanguage) : r.productId };
  });
}
