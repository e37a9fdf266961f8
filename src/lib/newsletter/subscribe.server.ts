import { readFileSync } from 'node:fs';
import path from 'node:path';
import { and, desc, eq, inArray, isNull, lt, lte } from 'drizzle-orm';
import type { Defer } from '../core/after-response.server.ts';
import { nowMs } from '../core/clock.ts';
import { getDb, serializeWrites } from '../core/db/client.server.ts';
import { consentTexts, subscribeRequests, subscribers } from '../core/db/schema.ts';
import { getEnv } from '../core/env.server.ts';
import { allow, claimAddressSend, releaseAddressSend, type MailSchedule } from '../core/rate-limit.server.ts';
import { contentDir, getSite } from '../core/site.server.ts';
import { renderConfirmEmail, renderWelcomeEmail } from '../email/render.server.ts';
import { idempotencyKey, sendEmail } from '../email/transport.server.ts';
import { toLang, type Lang } from '../../i18n/lang.ts';
import { consentVersion, consentWording } from './consent.ts';
import { parseEmail, parseLang, parseSource } from './input.ts';
import { CONFIRM_TOKEN_TTL_MS, confirmUrl, downloadUrl, readConfirmToken, readUnsubscribeToken, unsubscribeHeaders, unsubscribeUrl } from './links.server.ts';
import { describeError } from '../core/errors.ts';
import { log } from '../core/log.server.ts';

/**
 * Confirmation emails to one address: the first at once, then after 10 minutes, 1 hour and 4 hours,
 * at most 4 in 24 hours, whoever asks from wherever (docs/decisions/014).
 */
export const CONFIRMATION_SCHEDULE: MailSchedule = { gapsMs: [10 * 60_000, 60 * 60_000, 4 * 60 * 60_000], perDay: 4 };
const IP_WINDOW_MS = 10 * 60_000;
/** How long one process may hold a request before another (the scheduler) takes it over. */
const REQUEST_LEASE_MS = 2 * 60_000;
/** A confirmation Resend did not take is tried again after these pauses, then given up. */
const RETRY_AFTER_MS = [60_000, 5 * 60_000, 15 * 60_000, 60 * 60_000];

export type SubscribeOutcome =
  | { ok: true; lang: Lang }
  | { ok: false; status: 400 | 429 | 503; field?: string; message: string };

type Subscriber = typeof subscribers.$inferSelect;
type SubscribeRequest = typeof subscribeRequests.$inferSelect;

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
 * POST /subscribe. The visitor always gets the same neutral answer for a well-formed request, and
 * gets it after the same work whatever the address: the form is checked, the network counted and
 * the request recorded; everything that depends on the address (is it known, may it be mailed)
 * happens in `defer`, which the route runs after the answer is written. Without `defer` (tests,
 * scripts) that work is awaited here. A request that cannot be recorded gets 503, "try again".
 */
export async function subscribe(input: { email: unknown; lang: unknown; source: unknown; ip: string }, defer?: Defer): Promise<SubscribeOutcome> {
  const site = getSite();
  const email = parseEmail(input.email);
  if (!email.ok) return { ok: false, status: 400, field: email.field, message: email.message };
  const lang = parseLang(input.lang, site.languages, site.defaultLanguage);
  if (!lang.ok) return { ok: false, status: 400, field: lang.field, message: lang.message };
  let request: SubscribeRequest;
  try {
    if (!(await allow(`subscribe-ip:${input.ip}`, getEnv().DRUMBEAT_SUBSCRIBE_IP_LIMIT, IP_WINDOW_MS))) {
      return { ok: false, status: 429, message: 'too many requests from your network; try again in a few minutes' };
    }
    const now = nowMs();
    const consentVersion = await recordConsentWording(lang.value, now);
    // Taken by this process from the start (due after a lease): if it dies before mailing, the
    // scheduler finds the request due and sends it.
    const [row] = await serializeWrites(() =>
      getDb()
        .insert(subscribeRequests)
        .values({ email: email.value, lang: lang.value, source: parseSource(input.source), consentVersion, requestedAt: now, dueAt: now + REQUEST_LEASE_MS, confirmationIssuedAt: now })
        .returning(),
    );
    request = row!;
  } catch (err) {
    log.error('subscribe.request', { outcome: 'not-recorded', message: describeError(err) });
    return { ok: false, status: 503, message: 'your request could not be taken just now; please try again in a minute' };
  }
  const work = () => processRequest(request);
  if (defer) defer(work);
  else await work();
  return { ok: true, lang: lang.value };
}

/**
 * What a recorded request leads to. A new address becomes a pending subscriber with what it asked
 * for; a known one is left exactly as it is (its language, source and consent change only when the
 * link is confirmed, from this request). Pending and unsubscribed addresses get a confirmation if
 * the schedule allows; active and suppressed ones get nothing. Never throws: a failed send is
 * given back to the schedule and retried by the scheduler.
 */
async function processRequest(request: SubscribeRequest): Promise<void> {
  const db = getDb();
  let claim: number | undefined;
  try {
    const now = nowMs();
    let subscriber: Subscriber | undefined = await db.query.subscribers.findFirst({ where: eq(subscribers.email, request.email) });
    if (!subscriber) {
      // onConflictDoNothing: two simultaneous first requests for one address make one row.
      const fields = { lang: request.lang, source: request.source, consentVersion: request.consentVersion, consentAt: request.requestedAt };
      const [row] = await serializeWrites(() =>
        db
          .insert(subscribers)
          .values({ email: request.email, status: 'pending', ...fields, createdAt: now, updatedAt: now })
          .onConflictDoNothing()
          .returning(),
      );
      subscriber = row ?? (await db.query.subscribers.findFirst({ where: eq(subscribers.email, request.email) }));
    }
    // Active: nothing to do. Bounced or complained: suppressed, never mailed again from a form.
    const wanted = subscriber && (subscriber.status === 'pending' || subscriber.status === 'unsubscribed');
    claim = wanted ? await claimAddressSend('confirm', request.email, CONFIRMATION_SCHEDULE) : undefined;
    if (!subscriber || claim === undefined) {
      // Nothing to send, now or later: the request is not kept.
      await serializeWrites(() => db.delete(subscribeRequests).where(eq(subscribeRequests.id, request.id)));
      return;
    }
    // The link names the moment stored with the request (written with it, one write fewer), which
    // finds this request again when it is confirmed; a retry mails the same link under the same key.
    await sendConfirmation(subscriber, toLang(request.lang, getSite()), request.confirmationIssuedAt ?? request.requestedAt);
    await serializeWrites(() =>
      db.update(subscribeRequests).set({ outcome: 'sent', dueAt: null, attempts: request.attempts + 1 }).where(eq(subscribeRequests.id, request.id)),
    );
  } catch (err) {
    const attempts = request.attempts + 1;
    const retryIn = RETRY_AFTER_MS[attempts - 1];
    log.error('subscribe.confirmation', { request: request.id, attempt: attempts, outcome: retryIn ? 'retry' : 'gave-up', message: describeError(err) });
    try {
      // The visitor's turn is given back, and the scheduler tries again.
      if (claim !== undefined) await releaseAddressSend(claim);
      await serializeWrites(() =>
        db
          .update(subscribeRequests)
          .set(retryIn ? { attempts, dueAt: nowMs() + retryIn } : { attempts, dueAt: null, outcome: 'failed' })
          .where(eq(subscribeRequests.id, request.id)),
      );
    } catch (again) {
      // The lease runs out and the scheduler takes the request over.
      log.error('subscribe.confirmation', { request: request.id, outcome: 'left-for-scheduler', message: describeError(again) });
    }
  }
}

/**
 * The scheduler's part: requests whose send failed (now due again) or whose process died. Each is
 * claimed by moving its due time, so any number of processes may run this at once. Also forgets
 * requests whose links have expired.
 */
export async function sendDueConfirmations(limit = 50): Promise<number> {
  const db = getDb();
  const now = nowMs();
  const due = await db.select({ id: subscribeRequests.id }).from(subscribeRequests).where(lte(subscribeRequests.dueAt, now)).orderBy(subscribeRequests.dueAt).limit(limit);
  let handled = 0;
  for (const { id } of due) {
    const [claimed] = await serializeWrites(() =>
      db
        .update(subscribeRequests)
        .set({ dueAt: now + REQUEST_LEASE_MS })
        .where(and(eq(subscribeRequests.id, id), lte(subscribeRequests.dueAt, now)))
        .returning(),
    );
    if (!claimed) continue;
    await processRequest(claimed);
    handled++;
  }
  await serializeWrites(() =>
    db.delete(subscribeRequests).where(and(isNull(subscribeRequests.dueAt), lt(subscribeRequests.requestedAt, now - CONFIRM_TOKEN_TTL_MS - 86_400_000))),
  );
  return handled;
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

/** The confirmation in the language asked for, with a link that names `issuedAt`. */
async function sendConfirmation(subscriber: Subscriber, lang: Lang, issuedAt: number): Promise<void> {
  const template = await confirmTemplate(lang);
  const url = confirmUrl(subscriber, issuedAt);
  const email = {
    subject: template.subject,
    html: template.html.replaceAll(CONFIRM_PLACEHOLDER, () => url.replaceAll('&', '&amp;')),
    text: template.text.replaceAll(CONFIRM_PLACEHOLDER, () => url),
  };
  const unsubscribe = unsubscribeUrl(subscriber);
  // Keyed by the link's moment: a retry after a lost answer never mails the same link twice.
  await sendEmail({ to: subscriber.email, ...email, headers: unsubscribeHeaders(unsubscribe), tags: [{ name: 'kind', value: 'confirm' }] }, { idempotencyKey: await idempotencyKey(`confirm/${subscriber.id}/${issuedAt}`) });
}

function subscriberNamed(who: { id: number; email: string }) {
  return getDb().query.subscribers.findFirst({ where: and(eq(subscribers.id, who.id), eq(subscribers.email, who.email)) });
}

export type ConfirmOutcome =
  | { ok: true; lang: Lang; email: string; alreadyConfirmed: boolean }
  | { ok: false; reason: 'invalid' | 'expired' };

/** The request a confirmation link was sent for (links sent before requests were kept have none). */
async function requestOfLink(data: { email: string; issuedAt: number }): Promise<SubscribeRequest | undefined> {
  const [row] = await getDb()
    .select()
    .from(subscribeRequests)
    .where(and(eq(subscribeRequests.email, data.email), eq(subscribeRequests.confirmationIssuedAt, data.issuedAt)))
    .orderBy(desc(subscribeRequests.id))
    .limit(1);
  return row;
}

/** The subscriber a confirmation link names, without changing anything (for the GET page). */
export async function inspectConfirmToken(token: unknown): Promise<{ ok: true; lang: Lang; email: string; status: string } | { ok: false; reason: 'invalid' | 'expired' }> {
  const checked = await checkConfirmToken(token);
  return checked.ok ? { ok: true, lang: checked.lang, email: checked.row.email, status: checked.row.status } : checked;
}

async function checkConfirmToken(token: unknown) {
  const data = readConfirmToken(token);
  if (!data) return { ok: false as const, reason: 'invalid' as const };
  if (nowMs() - data.issuedAt > CONFIRM_TOKEN_TTL_MS) return { ok: false as const, reason: 'expired' as const };
  const row = await subscriberNamed(data);
  if (!row) return { ok: false as const, reason: 'invalid' as const };
  // A link older than the reader's last unsubscribe must not sign them up again.
  if (row.unsubscribedAt !== null && row.unsubscribedAt >= data.issuedAt) return { ok: false as const, reason: 'expired' as const };
  const request = row.status === 'active' ? undefined : await requestOfLink(data);
  // The page speaks the language the email was written in: the one that request asked for.
  return { ok: true as const, data, row, request, lang: toLang(request?.lang ?? row.lang, getSite()) };
}

/**
 * POST of the confirmation page: pending (or unsubscribed and asking again) becomes active, once,
 * and only now takes the language, source and consent of the request the link was sent for.
 */
export async function confirmSubscription(token: unknown, ip: string): Promise<ConfirmOutcome> {
  if (!(await allow(`confirm-ip:${ip}`, 30, 10 * 60_000))) return { ok: false, reason: 'invalid' };
  const checked = await checkConfirmToken(token);
  if (!checked.ok) return checked;
  const { data, request, lang } = checked;
  const now = nowMs();
  const asked = request ? { lang: request.lang, source: request.source, consentVersion: request.consentVersion, consentAt: request.requestedAt } : {};
  const updated = await serializeWrites(() =>
    getDb()
      .update(subscribers)
      .set({ status: 'active', ...asked, confirmedAt: now, unsubscribedAt: null, statusReason: null, updatedAt: now })
      .where(and(eq(subscribers.id, data.id), eq(subscribers.email, data.email), inArray(subscribers.status, ['pending', 'unsubscribed']))),
  );
  const alreadyConfirmed = updated.rowsAffected === 0;
  if (!alreadyConfirmed) {
    try {
      await sendWelcome({ id: data.id, email: data.email, lang });
    } catch (err) {
      // The subscription stands even if the welcome email could not go out now.
      log.error('subscribe.welcome', { subscriber: data.id, message: `not sent: ${describeError(err)}` });
    }
  }
  log.info('subscribe.confirm', { subscriber: data.id, lang, outcome: alreadyConfirmed ? 'already' : 'confirmed' });
  return { ok: true, lang, email: data.email, alreadyConfirmed };
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
  await sendEmail({ to: subscriber.email, ...email, headers: unsubscribeHeaders(unsubscribe), tags: [{ name: 'kind', value: 'welcome' }] }, { idempotencyKey: await idempotencyKey(`welcome/${subscriber.id}`) });
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
  log.info('subscribe.unsubscribe', { subscriber: row.id, outcome: updated.rowsAffected > 0 ? 'unsubscribed' : 'already' });
  return { ok: true, lang: toLang(row.lang, getSite()), email: row.email, changed: updated.rowsAffected > 0 };
}
