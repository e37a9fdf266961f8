import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { nowMs } from '../clock.ts';
import { getDb, serializeWrites } from '../db/client.server.ts';
import { personalize, renderNewsletterEmail } from '../email/render.server.ts';
import { sendBatch, type OutgoingEmail, type RateLimitInfo } from '../email/send.server.ts';
import { getEnv } from '../env.server.ts';
import { formatDate } from '../../i18n/format.ts';
import { loadNotesFromDisk } from '../notes/disk.server.ts';
import { absoluteUrl, notePath } from '../notes/urls.ts';
import { getSite } from '../site.server.ts';
import { unsubscribeHeaders, unsubscribeUrl } from './links.server.ts';
import type { SendPlan } from './plan.ts';

// Durable delivery (see docs/decisions/005): the recipients are frozen into send_recipients in
// one transaction, batches of up to 100 go to Resend with an idempotency key made of the send
// and the batch number, and a batch's rows are marked sent in one transaction after Resend
// accepted it. A crash anywhere leaves either "pending" rows, which a restart sends again under
// the same key (Resend answers with the first result instead of sending twice), or "sent" rows.

export const BATCH_SIZE = 100;
// Every wait is shorter than the lease, which is renewed after each batch.
const MAX_WAIT_MS = 20_000;
const MAX_ATTEMPTS = 12;
/** batches in flight at once; the pacer, not this, sets the rate */
const IN_FLIGHT = 4;
/** requests leave on time but arrive with jitter, and one 429 costs a second: stay a hair under the limit */
const SAFETY = 1.03;

export const processId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

export interface DeliveryOptions {
  owner?: string;
  /** requests per second to Resend; defaults to content/site.yaml newsletter.requestsPerSecond */
  requestsPerSecond?: number;
  onProgress?: (p: { sendId: number; sent: number; failed: number; recipients: number }) => void;
  sleep?: (ms: number) => Promise<void>;
}

export type DeliveryResult =
  | { state: 'done'; sendId: number; recipients: number; sent: number; failed: number }
  | { state: 'busy'; sendId: number }
  | { state: 'paused'; sendId: number; reason: string };

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function ensureSend(plan: SendPlan): Promise<number> {
  const db = getDb().$client;
  await db.execute({
    sql: `INSERT INTO sends (note_number, lang, note_lang, state, started_at) VALUES (?, ?, ?, 'sending', ?)
          ON CONFLICT(note_number, lang) DO NOTHING`,
    args: [plan.noteNumber, plan.lang, plan.noteLang, nowMs()],
  });
  const row = await db.execute({ sql: 'SELECT id FROM sends WHERE note_number = ? AND lang = ?', args: [plan.noteNumber, plan.lang] });
  return Number(row.rows[0]!.id);
}

/** Takes (or renews) the send's lease; false if another live process holds it or it is done. */
async function claim(sendId: number, owner: string): Promise<boolean> {
  const now = nowMs();
  const r = await serializeWrites(() =>
    getDb().$client.execute({
      sql: `UPDATE sends SET lease_owner = ?, lease_expires_at = ?
          WHERE id = ? AND state = 'sending' AND (lease_owner IS NULL OR lease_owner = ? OR lease_expires_at < ?)`,
      args: [owner, now + getEnv().DRUMBEAT_SEND_LEASE_MS, sendId, owner, now],
    }),
  );
  return r.rowsAffected === 1;
}

async function freezeRecipients(sendId: number, lang: string): Promise<void> {
  const site = getSite();
  // Subscribers whose language the site no longer offers read the default language.
  const others = site.languages.filter((l) => l !== site.defaultLanguage);
  const langClause = lang === site.defaultLanguage ? `(lang = ? OR lang NOT IN (${others.map(() => '?').join(',') || "''"}))` : 'lang = ?';
  const langArgs = lang === site.defaultLanguage ? [lang, ...others] : [lang];
  await serializeWrites(async () => {
    const tx = await getDb().$client.transaction('write');
    try {
      const frozen = await tx.execute({ sql: 'SELECT frozen_at FROM sends WHERE id = ?', args: [sendId] });
      if (frozen.rows[0]?.frozen_at === null) {
        await tx.execute({
          sql: `INSERT INTO send_recipients (send_id, subscriber_id, email, batch)
              SELECT ?, id, email, (ROW_NUMBER() OVER (ORDER BY id) - 1) / ${BATCH_SIZE}
              FROM subscribers WHERE status = 'active' AND ${langClause}`,
          args: [sendId, ...langArgs],
        });
        await tx.execute({
          sql: `UPDATE sends SET frozen_at = ?, recipients = (SELECT COUNT(*) FROM send_recipients WHERE send_id = ?) WHERE id = ?`,
          args: [nowMs(), sendId, sendId],
        });
      }
      await tx.commit();
    } finally {
      tx.close();
    }
  });
}

export interface RenderedNewsletter {
  subject: string;
  html: string;
  text: string;
}

/** The newsletter for one Note and one subscriber language, rendered once per send. */
export async function renderPlan(plan: SendPlan): Promise<RenderedNewsletter> {
  const site = getSite();
  const siteUrl = getEnv().SITE_URL;
  const { catalog, body } = loadNotesFromDisk();
  const now = nowMs();
  const note = catalog.find(plan.noteLang, plan.noteNumber, now);
  if (!note) throw new Error(`Note ${plan.noteNumber} (${plan.noteLang}) is not published`);
  const citations: Record<number, { title: string; url: string } | undefined> = {};
  for (const n of catalog.all()) {
    const cited = catalog.find(plan.lang, n.number, now) ?? catalog.find(site.defaultLanguage, n.number, now);
    if (cited) citations[n.number] = { title: cited.title, url: absoluteUrl(siteUrl, notePath(cited)) };
  }
  return renderNewsletterEmail({
    lang: plan.lang,
    siteTitle: site.title,
    authorName: site.author.name,
    authorBio: site.author.bio[plan.lang] ?? site.author.bio[site.defaultLanguage] ?? '',
    note: {
      number: note.number,
      title: note.title,
      summary: note.summary,
      lang: note.lang,
      dateLabel: formatDate(plan.lang, note.publishAt, site.timeZone),
      body: body(note),
    },
    citations,
    siteUrl,
    readOnlineUrl: absoluteUrl(siteUrl, notePath(note)),
    unsubscribeUrl: 'UNSUBSCRIBE_URL_PLACEHOLDER',
    fallbackNotice: plan.fallback,
  });
}

export function personalizedEmail(rendered: RenderedNewsletter, recipient: { id: number; email: string }, tags: OutgoingEmail['tags']): OutgoingEmail {
  const url = unsubscribeUrl(recipient);
  return { to: recipient.email, ...personalize(rendered, url), subject: rendered.subject, headers: unsubscribeHeaders(url), tags };
}

/** Paces requests to a steady rate, and waits out the window when Resend says none remain. */
class Pacer {
  #next = 0;
  #intervalMs: number;
  #sleep: (ms: number) => Promise<void>;
  constructor(intervalMs: number, sleep: (ms: number) => Promise<void>) {
    this.#intervalMs = intervalMs;
    this.#sleep = sleep;
  }
  async wait(): Promise<void> {
    const now = Date.now();
    if (this.#next > now) await this.#sleep(this.#next - now);
    this.#next = Math.max(now, this.#next) + this.#intervalMs;
  }
  /**
   * Follows the account's real limit when Resend reports a lower one than configured. An empty
   * window with a reset beyond the next second means the quota is spent elsewhere too: wait.
   * (A reset of one second or less is just the current window ending, which pacing handles.)
   */
  adapt(info: RateLimitInfo | undefined): void {
    if (info?.limit && SAFETY * (1000 / info.limit) > this.#intervalMs) this.#intervalMs = SAFETY * (1000 / info.limit);
    if (info?.remaining === 0 && info.reset !== undefined && info.reset > 1) this.#next = Math.max(this.#next, Date.now() + info.reset * 1000);
  }
  pause(ms: number): void {
    this.#next = Math.max(this.#next, Date.now() + ms);
  }
}

/** One transaction: the batch's rows become sent (with Resend's ids) and the counter moves by as many. */
function markSent(sendId: number, recipients: { id: number }[], ids: string[], now: number): Promise<void> {
  return serializeWrites(() => markSentNow(sendId, recipients, ids, now));
}

async function markSentNow(sendId: number, recipients: { id: number }[], ids: string[], now: number): Promise<void> {
  const tx = await getDb().$client.transaction('write');
  try {
    const cases = recipients.map(() => 'WHEN ? THEN ?').join(' ');
    const updated = await tx.execute({
      sql: `UPDATE send_recipients SET state = 'sent', sent_at = ?, provider_id = CASE subscriber_id ${cases} END
            WHERE send_id = ? AND state = 'pending' AND subscriber_id IN (${recipients.map(() => '?').join(',')})`,
      args: [now, ...recipients.flatMap((r, i) => [r.id, ids[i] ?? null]), sendId, ...recipients.map((r) => r.id)],
    });
    await tx.execute({ sql: 'UPDATE sends SET sent = sent + ?, last_error = NULL WHERE id = ?', args: [updated.rowsAffected, sendId] });
    await tx.commit();
  } finally {
    tx.close();
  }
}

/** Starts or resumes one send and delivers every pending batch; safe to call from many processes. */
export async function deliver(plan: SendPlan, options: DeliveryOptions = {}): Promise<DeliveryResult> {
  const owner = options.owner ?? processId;
  const sleep = options.sleep ?? realSleep;
  const sendId = await ensureSend(plan);
  if (!(await claim(sendId, owner))) return { state: 'busy', sendId };
  await freezeRecipients(sendId, plan.lang);
  const rendered = await renderPlan(plan);
  const rps = options.requestsPerSecond ?? getSite().newsletter.requestsPerSecond;
  const pacer = new Pacer((SAFETY * 1000) / rps, sleep);
  const db = getDb().$client;
  const tags = [{ name: 'send', value: String(sendId) }];
  let attempts = 0;
  let cursor = -1;
  let stopped: DeliveryResult | undefined;
  let crashed: unknown;

  // Batches are handed out in order, one at a time, to a few workers: requests overlap (a
  // 100-email request takes longer than the pacing interval) while the pacer keeps the rate.
  let handout: Promise<unknown> = Promise.resolve();
  const nextBatch = () => {
    const next = handout.then(async () => {
      const rows = await db.execute({
        sql: `SELECT subscriber_id, email, batch FROM send_recipients
              WHERE send_id = ? AND state = 'pending' AND batch = (SELECT MIN(batch) FROM send_recipients WHERE send_id = ? AND state = 'pending' AND batch > ?)`,
        args: [sendId, sendId, cursor],
      });
      if (rows.rows.length === 0) return undefined;
      cursor = Number(rows.rows[0]!.batch);
      return { batch: cursor, recipients: rows.rows.map((r) => ({ id: Number(r.subscriber_id), email: String(r.email) })) };
    });
    handout = next.catch(() => undefined);
    return next;
  };

  const worker = async () => {
    for (;;) {
      if (stopped || crashed) return;
      const claimed = await nextBatch();
      if (!claimed) return;
      const { batch, recipients } = claimed;
      const emails = recipients.map((r) => personalizedEmail(rendered, r, tags));
      for (;;) {
        if (stopped || crashed) return;
        await pacer.wait();
        const outcome = await sendBatch(emails, { idempotencyKey: `drumbeat-send-${sendId}-batch-${batch}` });
        pacer.adapt(outcome.rateLimit);
        if (outcome.ok) {
          attempts = 0;
          await markSent(sendId, recipients, outcome.ids, nowMs());
          break;
        }
        if (outcome.retryable) {
          attempts++;
          await serializeWrites(() =>
            db.execute({ sql: 'UPDATE sends SET last_error = ? WHERE id = ?', args: [`${outcome.error} (attempt ${attempts})`, sendId] }),
          );
          if (attempts >= MAX_ATTEMPTS) {
            stopped ??= { state: 'paused', sendId, reason: outcome.error };
            return;
          }
          // Exponential backoff with jitter, or exactly what Resend asked for.
          const backoff = outcome.retryAfterMs ?? Math.min(MAX_WAIT_MS, 250 * 2 ** attempts) * (0.5 + Math.random() / 2);
          pacer.pause(Math.min(MAX_WAIT_MS, backoff));
          continue;
        }
        attempts = 0;
        const error = outcome.error.slice(0, 500);
        await serializeWrites(async () => {
          const tx = await db.transaction('write');
          try {
            const failed = await tx.execute({
              sql: `UPDATE send_recipients SET state = 'failed', error = ? WHERE send_id = ? AND batch = ? AND state = 'pending'`,
              args: [error, sendId, batch],
            });
            await tx.execute({ sql: 'UPDATE sends SET failed = failed + ?, last_error = ? WHERE id = ?', args: [failed.rowsAffected, error, sendId] });
            await tx.commit();
          } finally {
            tx.close();
          }
        });
        break;
      }
      // Renewing the lease also tells us whether another process took the send over.
      if (!(await claim(sendId, owner))) {
        stopped ??= { state: 'busy', sendId };
        return;
      }
      if (options.onProgress) {
        const s = await db.execute({ sql: 'SELECT sent, failed, recipients FROM sends WHERE id = ?', args: [sendId] });
        const row = s.rows[0]!;
        options.onProgress({ sendId, sent: Number(row.sent), failed: Number(row.failed), recipients: Number(row.recipients) });
      }
    }
  };
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, () =>
      worker().catch((err) => {
        crashed ??= err;
      }),
    ),
  );
  if (crashed) throw crashed;
  if (stopped?.state === 'paused') {
    await db.execute({ sql: 'UPDATE sends SET lease_owner = NULL WHERE id = ? AND lease_owner = ?', args: [sendId, owner] });
  }
  if (stopped) return stopped;

  const now = nowMs();
  await db.execute({
    sql: `UPDATE sends SET state = 'done', finished_at = ?, lease_owner = NULL, lease_expires_at = NULL,
            sent = (SELECT COUNT(*) FROM send_recipients WHERE send_id = ? AND state = 'sent'),
            failed = (SELECT COUNT(*) FROM send_recipients WHERE send_id = ? AND state = 'failed')
          WHERE id = ? AND lease_owner = ?`,
    args: [now, sendId, sendId, sendId, owner],
  });
  const s = (await db.execute({ sql: 'SELECT recipients, sent, failed FROM sends WHERE id = ?', args: [sendId] })).rows[0]!;
  return { state: 'done', sendId, recipients: Number(s.recipients), sent: Number(s.sent), failed: Number(s.failed) };
}
