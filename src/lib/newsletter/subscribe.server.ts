import { readFileSync } from 'node:fs';
import path from 'node:path';
import { and, eq, inArray, isNull, lte, or } from 'drizzle-orm';
import { nowMs } from '../core/clock.ts';
import { getDb, serializeWrites } from '../core/db/client.server.ts';
import { consentTexts, subscribers } from '../core/db/schema.ts';
import { getEnv } from '../core/env.server.ts';
import { allow } from '../core/rate-limit.server.ts';
import { contentDir, getSite } from '../core/site.server.ts';
import { renderConfirmEmail, renderWelcomeEmail } from '../email/render.server.ts';
import { sendEmail } from '../email/transport.server.ts';
import { toLang, type Lang } from '../../i18n/lang.ts';
import { consentVersion, consentWording } from './consent.ts';
import { parseEmail, parseLang, parseSource } from './input.ts';
import { CONFIRM_TOKEN_TTL_MS, confirmUrl, downloadUrl, readConfirmToken, readUnsubscribeToken, unsubscribeHeaders, unsubscribeUrl } from './links.server.ts';
import { describeError } from '../core/errors.ts';

/** At most one confirmation email per address per 10 minutes, whatever is submitted. */
export const CONFIRMATION_INTERVAL_MS = 10 * 60_000;
const IP_WINDOW_MS = 10 * 60_000;

export type SubscribeOutcome =
  | { ok: true; lang: Lang }
  | { ok: false; status: 400 | 429; field?: string; message: string };

type Subscriber = typeof subscribers.$inferSelect;

// Versions this process has stored, per database handle: a version's words never change, so one
// write per version and process is enough (the subscribe form is the busiest write there is).
const recordedWordings = new WeakMap<object, Set<string>>();

/** The words the reader agreed to, kept once per version so every stored consent names them. */
async function recordConsentWording(lang: Lang, now: number): Promise<string> {
  const version = consentVersion(lang);
  const db = getDb();
  let recorded = recordedWordings.get(db);
  if (!recorded) recordedWordings.set(db, (recorded = new Set()));
  if (!recorded.has(version)) {
    await serializeWrites(() => db.insert(consentTexts).values({ version, lang, text: consentWording(lang), firstShownAt: now }).onConflictDoNothing());
    recorded.add(version);
  }
  return version;
}

/**
 * POST /subscribe. The visitor always gets the same neutral answer for a well-formed request
 * (no way to learn whether an address is known); what happens behind it depends on the address.
 */
export async function subscribe(input: { email: unknown; lang: unknown; source: unknown; ip: string }): Promise<SubscribeOutcome> {
  const site = getSite();
  const email = parseEmail(input.email);
  if (!email.ok) return { ok: false, status: 400, field: email.field, message: email.message };
  const lang = parseLang(input.lang, site.languages, site.defaultLanguage);
  if (!lang.ok) return { ok: false, status: 400, field: lang.field, message: lang.message };
  if (!(await allow(`subscribe-ip:${input.ip}`, getEnv().DRUMBEAT_SUBSCRIBE_IP_LIMIT, IP_WINDOW_MS))) {
    return { ok: false, status: 429, message: 'too many requests from your network; try again in a few minutes' };
  }
  const db = getDb();
  const now = nowMs();
  const source = parseSource(input.source);
  const consent = { consentVersion: await recordConsentWording(lang.value, now), consentAt: now };
  const existing = await db.query.subscribers.findFirst({ where: eq(subscribers.email, email.value) });

  let subscriber: Subscriber | undefined = existing;
  if (!existing) {
    // onConflictDoNothing: two simultaneous first requests for one address make one row.
    const [row] = await serializeWrites(() =>
      db
        .insert(subscribers)
        .values({ email: email.value, lang: lang.value, status: 'pending', source, ...consent, createdAt: now, updatedAt: now })
        .onConflictDoNothing()
        .returning(),
    );
    subscriber = row;
  } else if (existing.status === 'pending' || existing.status === 'unsubscribed') {
    // Asking again refreshes what they asked for; the status changes only when they confirm.
    await serializeWrites(() => db.update(subscribers).set({ lang: lang.value, source, ...consent, updatedAt: now }).where(eq(subscribers.id, existing.id)));
  }
  // Active: nothing to do. Bounced or complained: suppressed, never mailed again from a form.
  if (subscriber && (subscriber.status === 'pending' || subscriber.status === 'unsubscribed')) {
    await sendConfirmation({ ...subscriber, lang: lang.value }, now);
  }
  return { ok: true, lang: lang.value };
}

const CONFIRM_PLACEHOLDER = 'CONFIRM_URL_PLACEHOLDER';
const confirmTemplates = new Map<Lang, Promise<{ subject: string; html: string; text: string }>>();

/** The confirmation email per language, rendered once; each request only fills in its link. */
function confirmTemplate(lang: Lang) {
  let template = confirmTemplates.get(lang);
  if (!template) {
    const site = getSite();
    const leadMagnet = site.newsletter.leadMagnet;
    template = renderConfirmEmail({
      lang,
      siteTitle: site.title,
      authorName: site.author.name,
      confirmUrl: CONFIRM_PLACEHOLDER,
      leadMagnet: leadMagnet ? { title: leadMagnet.title[lang] ?? Object.values(leadMagnet.title)[0]! } : undefined,
    });
    template.catch(() => confirmTemplates.delete(lang));
    confirmTemplates.set(lang, template);
  }
  return template;
}

async function sendConfirmation(subscriber: Subscriber & { lang: Lang }, now: number): Promise<void> {
  // Claim the right to send in the database, so racing requests or processes send one email.
  const claimed = await serializeWrites(() =>
    getDb()
      .update(subscribers)
      .set({ lastConfirmationSentAt: now })
      .where(and(eq(subscribers.id, subscriber.id), or(isNull(subscribers.lastConfirmationSentAt), lte(subscribers.lastConfirmationSentAt, now - CONFIRMATION_INTERVAL_MS)))),
  );
  if (claimed.rowsAffected === 0) return;
  const template = await confirmTemplate(subscriber.lang);
  const url = confirmUrl(subscriber, now);
  const email = {
    subject: template.subject,
    html: template.html.replaceAll(CONFIRM_PLACEHOLDER, () => url.replaceAll('&', '&amp;')),
    text: template.text.replaceAll(CONFIRM_PLACEHOLDER, () => url),
  };
  const unsubscribe = unsubscribeUrl(subscriber);
  await sendEmail({ to: subscriber.email, ...email, headers: unsubscribeHeaders(unsubscribe), tags: [{ name: 'kind', value: 'confirm' }] });
}

function subscriberNamed(who: { id: number; email: string }) {
  return getDb().query.subscribers.findFirst({ where: and(eq(subscribers.id, who.id), eq(subscribers.email, who.email)) });
}

export type ConfirmOutcome =
  | { ok: true; lang: Lang; email: string; alreadyConfirmed: boolean }
  | { ok: false; reason: 'invalid' | 'expired' };

/** The subscriber a confirmation link names, without changing anything (for the GET page). */
export async function inspectConfirmToken(token: unknown): Promise<{ ok: true; lang: Lang; email: string; status: string } | { ok: false; reason: 'invalid' | 'expired' }> {
  const data = readConfirmToken(token);
  if (!data) return { ok: false, reason: 'invalid' };
  if (nowMs() - data.issuedAt > CONFIRM_TOKEN_TTL_MS) return { ok: false, reason: 'expired' };
  const row = await subscriberNamed(data);
  if (!row) return { ok: false, reason: 'invalid' };
  // A link older than the reader's last unsubscribe must not sign them up again.
  if (row.unsubscribedAt !== null && row.unsubscribedAt >= data.issuedAt) return { ok: false, reason: 'expired' };
  return { ok: true, lang: toLang(row.lang, getSite()), email: row.email, status: row.status };
}

/** POST of the confirmation page: pending (or unsubscribed and asking again) becomes active, once. */
export async function confirmSubscription(token: unknown, ip: string): Promise<ConfirmOutcome> {
  if (!(await allow(`confirm-ip:${ip}`, 30, 10 * 60_000))) return { ok: false, reason: 'invalid' };
  const checked = await inspectConfirmToken(token);
  if (!checked.ok) return checked;
  const data = readConfirmToken(token)!;
  const now = nowMs();
  const updated = await serializeWrites(() =>
    getDb()
      .update(subscribers)
      .set({ status: 'active', confirmedAt: now, unsubscribedAt: null, statusReason: null, updatedAt: now })
      .where(and(eq(subscribers.id, data.id), eq(subscribers.email, data.email), inArray(subscribers.status, ['pending', 'unsubscribed']))),
  );
  const alreadyConfirmed = updated.rowsAffected === 0;
  if (!alreadyConfirmed) {
    try {
      await sendWelcome({ id: data.id, email: data.email, lang: checked.lang });
    } catch (err) {
      // The subscription stands even if the welcome email could not go out now.
      console.error(`welcome email to subscriber ${data.id} not sent: ${describeError(err)}`);
    }
  }
  return { ok: true, lang: checked.lang, email: data.email, alreadyConfirmed };
}

function welcomeMarkdown(lang: Lang): string {
  const site = getSite();
  for (const l of [lang, site.defaultLanguage]) {
    try {
      return readFileSync(path.join(contentDir(), 'welcome', `${l}.md`), 'utf8');
    } catch {
      // try the next language
    }
  }
  return `# ${site.title}\n`;
}

async function sendWelcome(subscriber: { id: number; email: string; lang: Lang }): Promise<void> {
  const site = getSite();
  const unsubscribe = unsubscribeUrl(subscriber);
  const leadMagnet = site.newsletter.leadMagnet;
  const email = await renderWelcomeEmail({
    lang: subscriber.lang,
    siteTitle: site.title,
    authorName: site.author.name,
    welcomeMarkdown: welcomeMarkdown(subscriber.lang),
    siteUrl: getEnv().SITE_URL,
    unsubscribeUrl: unsubscribe,
    leadMagnet: leadMagnet
      ? { title: leadMagnet.title[subscriber.lang] ?? Object.values(leadMagnet.title)[0]!, url: downloadUrl(subscriber) }
      : undefined,
  });
  await sendEmail({ to: subscriber.email, ...email, headers: unsubscribeHeaders(unsubscribe), tags: [{ name: 'kind', value: 'welcome' }] });
}

export type UnsubscribeOutcome = { ok: true; lang: Lang; email: string; changed: boolean } | { ok: false };

export async function inspectUnsubscribeToken(token: unknown): Promise<{ ok: true; lang: Lang; email: string; status: string } | { ok: false }> {
  const data = readUnsubscribeToken(token);
  const row = data && (await subscriberNamed(data));
  return row ? { ok: true, lang: toLang(row.lang, getSite()), email: row.email, status: row.status } : { ok: false };
}

/** One click, no login: the signed link is the authority. Idempotent. */
export async function unsubscribe(token: unknown): Promise<UnsubscribeOutcome> {
  const data = readUnsubscribeToken(token);
  const row = data && (await subscriberNamed(data));
  if (!row) return { ok: false };
  const now = nowMs();
  const updated = await serializeWrites(() =>
    getDb()
      .update(subscribers)
      .set({ status: 'unsubscribed', unsubscribedAt: now, updatedAt: now })
      .where(and(eq(subscribers.id, row.id), inArray(subscribers.status, ['active', 'pending']))),
  );
  return { ok: true, lang: toLang(row.lang, getSite()), email: row.email, changed: updated.rowsAffected > 0 };
}
