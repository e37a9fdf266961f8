import { and, desc, eq, getTableColumns, inArray, isNull, lt, ne, or } from 'drizzle-orm';
import { nowMs } from '../core/clock.ts';
import { getDb, serializeWrites } from '../core/db/client.server.ts';
import { sends, subscribers } from '../core/db/schema.ts';
import { getSite } from '../core/site.server.ts';
import { isLang, type Lang } from '../../i18n/lang.ts';
import { loadNotesFromDisk } from '../notes/disk.server.ts';
import { deliver, type DeliveryOptions, type DeliveryResult } from './delivery/deliver.server.ts';
import { dueNote, plansForNote, slotFor, type SendPlan } from './plan.ts';

// Which sends should run now (for the scheduler and `newsletter send --due`), and how they went.

/** Sends that were started and left (their process died): resumed whatever the date. */
async function abandonedPlans(): Promise<SendPlan[]> {
  const rows = await getDb()
    .select({ noteNumber: sends.noteNumber, lang: sends.lang, noteLang: sends.noteLang })
    .from(sends)
    .where(and(eq(sends.state, 'sending'), or(isNull(sends.leaseOwner), lt(sends.leaseExpiresAt, nowMs()))));
  return rows.flatMap(({ noteNumber, lang, noteLang }) => (isLang(lang) && isLang(noteLang) ? [{ noteNumber, lang, noteLang, fallback: lang !== noteLang }] : []));
}

/** What the schedule says should go out now, not yet finished. */
export async function duePlans(): Promise<SendPlan[]> {
  const site = getSite();
  const { catalog } = loadNotesFromDisk();
  const now = nowMs();
  const note = dueNote(catalog, site.defaultLanguage, site.newsletter.schedule, site.timeZone, now);
  if (!note) return [];
  // Done, paused and cancelled sends are the author's call, not the schedule's.
  const done = await getDb().select({ lang: sends.lang }).from(sends).where(and(eq(sends.noteNumber, note.number), ne(sends.state, 'sending')));
  const finished = new Set(done.map((r) => r.lang));
  return plansForNote(catalog, note.number, site.languages, site.defaultLanguage, now).filter((p) => !finished.has(p.lang));
}

/** One scheduler tick: finish abandoned sends, then start what is due. */
export async function runDueSends(options: DeliveryOptions = {}): Promise<DeliveryResult[]> {
  const plans = [...(await abandonedPlans()), ...(await duePlans())];
  const seen = new Set<string>();
  const results: DeliveryResult[] = [];
  for (const plan of plans) {
    // Shutting down: a send not yet begun waits for the next process.
    if (options.signal?.aborted) break;
    const key = `${plan.noteNumber}/${plan.lang}`;
    if (seen.has(key)) continue;
    seen.add(key);
    results.push(await deliver(plan, options));
  }
  return results;
}

/** `frozenAt` null: paused or cancelled before it started (holdSend), nobody in its ledger yet. */
export type SendStatus = Omit<typeof sends.$inferSelect, 'leaseOwner' | 'leaseExpiresAt'>;

/** The last 50 sends, newest first. */
export async function sendStatuses(): Promise<SendStatus[]> {
  const { leaseOwner: _owner, leaseExpiresAt: _expires, ...columns } = getTableColumns(sends);
  return getDb().select(columns).from(sends).orderBy(desc(sends.id)).limit(50);
}

/** The send of a Note to one language group, if it was started. */
export async function sendOf(noteNumber: number, lang: Lang): Promise<Pick<typeof sends.$inferSelect, 'state' | 'sent' | 'recipients'> | undefined> {
  return getDb().query.sends.findFirst({ columns: { state: true, sent: true, recipients: true }, where: and(eq(sends.noteNumber, noteNumber), eq(sends.lang, lang)) });
}

/** How many a send to this language group would mail now. */
export async function activeSubscribers(lang: Lang): Promise<number> {
  return getDb().$count(subscribers, and(eq(subscribers.status, 'active'), eq(subscribers.lang, lang)));
}

export type SendState = (typeof sends.$inferSelect)['state'];

/** "scheduled": no send row, the schedule starts it at its slot. */
export type SendChange =
  | { ok: true; sendId: number; noteNumber: number; lang: string; from: SendState | 'scheduled'; to: SendState | 'scheduled'; sent: number; recipients: number }
  | { ok: false; reason: string };

/**
 * One state change of a send, for the CLI and the dashboard alike. The deliverer renews its lease
 * after every batch only while the send is "sending", so a pause or cancel stops it there: the
 * batches in flight finish and are marked in the ledger, the rest stay pending, and a resume
 * sends exactly those (the scheduler's next tick, or `newsletter send --due`, picks it up).
 */
async function changeSend(sendId: number, from: SendState[], to: SendState, verb: string): Promise<SendChange> {
  const row = await getDb().query.sends.findFirst({ where: eq(sends.id, sendId) });
  if (!row) return { ok: false, reason: `there is no send ${sendId} (see: npx drumbeat newsletter status)` };
  if (!from.includes(row.state)) return { ok: false, reason: `send ${sendId} is ${row.state}; only a ${from.join(' or ')} send can be ${verb}` };
  const r = await serializeWrites(() =>
    getDb()
      .update(sends)
      // Letting go of the lease means the running deliverer can neither renew it nor mark the send done.
      .set({ state: to, leaseOwner: null, leaseExpiresAt: null, ...(to === 'cancelled' ? { finishedAt: nowMs() } : {}) })
      .where(and(eq(sends.id, sendId), inArray(sends.state, from))),
  );
  if (r.rowsAffected !== 1) return changeSend(sendId, from, to, verb);
  return { ok: true, sendId, noteNumber: row.noteNumber, lang: row.lang, from: row.state, to, sent: row.sent, recipients: row.recipients };
}

export const pauseSend = (sendId: number) => changeSend(sendId, ['sending'], 'paused', 'paused');

/**
 * A paused send that never started (held before its slot, see holdSend) goes back to the schedule
 * while its slot is still ahead, or its Note is not public: the row goes, and the scheduler starts
 * it at its moment. Once the slot has come it runs now, even more than a day late: the author
 * asked for it, and only a Note that was due or next could be held.
 */
export async function resumeSend(sendId: number): Promise<SendChange> {
  const row = await getDb().query.sends.findFirst({ where: eq(sends.id, sendId) });
  if (row?.state === 'paused' && row.frozenAt === null && !(await slotHasCome(row.noteNumber))) {
    const r = await serializeWrites(() => getDb().delete(sends).where(and(eq(sends.id, sendId), eq(sends.state, 'paused'), isNull(sends.frozenAt))));
    if (r.rowsAffected === 1) return { ok: true, sendId, noteNumber: row.noteNumber, lang: row.lang, from: 'paused', to: 'scheduled', sent: 0, recipients: 0 };
  }
  return changeSend(sendId, ['paused'], 'sending', 'resumed');
}

/** Whether a Note is public and its newsletter slot has come, by the schedule's reading. */
async function slotHasCome(noteNumber: number): Promise<boolean> {
  const site = getSite();
  const { catalog } = loadNotesFromDisk();
  const now = nowMs();
  const versions = catalog.all().filter((n) => n.number === noteNumber && !n.draft);
  const first = versions.find((n) => n.lang === site.defaultLanguage) ?? versions[0];
  return !!first && first.publishAt <= now && slotFor(first, site.newsletter.schedule, site.timeZone) <= now;
}

/**
 * Pauses a send before it starts (its slot has come, or is the next one): a paused row with an
 * empty ledger, which the scheduler leaves alone (duePlans) until resumeSend. Recipients are
 * frozen only when it really starts, so whoever joins meanwhile gets it. A send already started
 * is paused the usual way; whether this Note may be held is the caller's question.
 */
export async function holdSend(plan: SendPlan): Promise<SendChange> {
  await serializeWrites(() =>
    getDb().insert(sends).values({ noteNumber: plan.noteNumber, lang: plan.lang, noteLang: plan.noteLang, state: 'paused', startedAt: nowMs() }).onConflictDoNothing(),
  );
  const row = await getDb().query.sends.findFirst({ where: and(eq(sends.noteNumber, plan.noteNumber), eq(sends.lang, plan.lang)) });
  if (!row) return { ok: false, reason: `Note ${plan.noteNumber} (${plan.lang}) could not be held` };
  if (row.state === 'paused' && row.frozenAt === null) return { ok: true, sendId: row.id, noteNumber: row.noteNumber, lang: row.lang, from: 'scheduled', to: 'paused', sent: 0, recipients: 0 };
  return pauseSend(row.id);
}
export const cancelSend = (sendId: number) => changeSend(sendId, ['sending', 'paused'], 'cancelled', 'cancelled');

