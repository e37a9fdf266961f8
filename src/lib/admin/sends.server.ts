import { count, desc, eq } from 'drizzle-orm';
import { nowMs } from '../core/clock.ts';
import { getDb } from '../core/db/client.server.ts';
import { sends, subscribers } from '../core/db/schema.ts';
import { allow } from '../core/rate-limit.server.ts';
import { getSite } from '../core/site.server.ts';
import type { Lang } from '../core/site.ts';
import { parseEmail } from '../newsletter/input.ts';
import { previewOf, previewPlans, sendTestCopy } from '../newsletter/delivery/newsletter-email.server.ts';
import type { PreviewPlan } from '../newsletter/plan.ts';
import { cancelSend, holdSend, pauseSend, resumeSend, type SendChange } from '../newsletter/sends.server.ts';
import type { NoteCatalog } from '../notes/catalog.ts';
import { newsletterSchedule } from './schedule.ts';

// The Sends page: every send with its progress, what the schedule starts next (which the author
// may pause before it starts), the actions, and the preview and test copy of any Note. The
// actions are the CLI's (src/lib/newsletter/sends.server.ts): the ledger decides who is mailed.

export const SENDS_SHOWN = 50;

export interface SendRow {
  id: number;
  noteNumber: number;
  title: string | undefined;
  lang: string;
  noteLang: string;
  state: (typeof sends.$inferSelect)['state'];
  /** false: paused or cancelled before its recipients were frozen */
  started: boolean;
  recipients: number;
  sent: number;
  failed: number;
  bounced: number;
  complained: number;
  startedAt: number | null;
  finishedAt: number | null;
  lastError: string | null;
}

/** A language group of the due or next scheduled Note that has no send yet. */
export interface ComingSend {
  noteNumber: number;
  title: string | undefined;
  lang: Lang;
  noteLang: Lang;
  fallback: boolean;
  at: number;
  /** the slot has come: the scheduler starts it at its next tick */
  due: boolean;
  /** active subscribers now; the ledger is frozen when it starts */
  active: number;
}

export interface SendsPage {
  now: number;
  sends: SendRow[];
  coming: ComingSend[];
  /** a send is running: the page refreshes itself (and its script polls) until none is */
  live: boolean;
  queries: number;
}

function titleOf(catalog: NoteCatalog, number: number, ...langs: string[]): string | undefined {
  const versions = catalog.all().filter((n) => n.number === number);
  for (const l of langs) {
    const v = versions.find((n) => n.lang === l);
    if (v) return v.title;
  }
  return versions[0]?.title;
}

async function sendRows(catalog: NoteCatalog, lang: Lang): Promise<SendRow[]> {
  const rows = await getDb().select().from(sends).orderBy(desc(sends.id)).limit(SENDS_SHOWN);
  return rows.map((r) => ({
    id: r.id, noteNumber: r.noteNumber, title: titleOf(catalog, r.noteNumber, r.noteLang, lang), lang: r.lang, noteLang: r.noteLang, state: r.state,
    started: r.frozenAt !== null, recipients: r.recipients, sent: r.sent, failed: r.failed, bounced: r.bounced, complained: r.complained,
    startedAt: r.frozenAt === null ? null : r.startedAt, finishedAt: r.finishedAt, lastError: r.lastError,
  }));
}

/** The Sends page: three queries, whatever the number of subscribers and sends. */
export async function adminSends({ catalog, lang, now = nowMs() }: { catalog: NoteCatalog; lang: Lang; now?: number }): Promise<SendsPage> {
  const site = getSite();
  const [rows, active] = await Promise.all([
    sendRows(catalog, lang),
    getDb().select({ lang: subscribers.lang, n: count() }).from(subscribers).where(eq(subscribers.status, 'active')).groupBy(subscribers.lang),
  ]);
  const activeIn = (l: Lang) =>
    active.filter((a) => a.lang === l || (l === site.defaultLanguage && !(site.languages as string[]).includes(a.lang))).reduce((sum, a) => sum + a.n, 0);
  const coming: ComingSend[] = [];
  // Which Notes have a send row at all, of any age: the 50 shown may not reach back to them.
  const noteRows = new Set((await getDb().select({ noteNumber: sends.noteNumber, lang: sends.lang }).from(sends)).map((r) => `${r.noteNumber}/${r.lang}`));
  const schedule = newsletterSchedule(catalog, site, now);
  for (const [scheduled, due] of [[schedule.due, true], [schedule.upcoming, false]] as const) {
    if (!scheduled) continue;
    for (const plan of scheduled.plans) {
      if (noteRows.has(`${plan.noteNumber}/${plan.lang}`)) continue;
      coming.push({ ...plan, title: titleOf(catalog, plan.noteNumber, plan.noteLang), at: scheduled.at, due, active: activeIn(plan.lang) });
    }
  }
  return { now, sends: rows, coming, live: rows.some((r) => r.state === 'sending'), queries: 3 };
}

export interface SendProgress {
  id: number;
  state: SendRow['state'];
  recipients: number;
  sent: number;
  failed: number;
  bounced: number;
  complained: number;
  finishedAt: number | null;
}

/** What the page's script polls while a send runs: counters only, one query. */
export async function sendsProgress(): Promise<{ live: boolean; sends: SendProgress[] }> {
  const rows = await getDb()
    .select({ id: sends.id, state: sends.state, recipients: sends.recipients, sent: sends.sent, failed: sends.failed, bounced: sends.bounced, complained: sends.complained, finishedAt: sends.finishedAt })
    .from(sends)
    .orderBy(desc(sends.id))
    .limit(SENDS_SHOWN);
  return { live: rows.some((r) => r.state === 'sending'), sends: rows };
}

export type SendAction = 'pause' | 'resume' | 'cancel';

export type ActionOutcome = { ok: true; change: Extract<SendChange, { ok: true }> } | { ok: false; reason: string };

function asOutcome(change: SendChange): ActionOutcome {
  return change.ok ? { ok: true, change } : { ok: false, reason: change.reason };
}

/**
 * One form of the Sends page: pause, resume or cancel a send by id, or pause a scheduled one
 * before it starts (by Note and language). Only the due Note or the next scheduled one can be
 * held: holding an old Note and resuming it would mail the archive.
 */
export async function sendAction(fields: Record<string, unknown>, catalog: NoteCatalog, now = nowMs()): Promise<ActionOutcome> {
  const action = fields.action;
  if (action !== 'pause' && action !== 'resume' && action !== 'cancel') return { ok: false, reason: 'unknown action' };
  const id = typeof fields.send === 'string' && /^[1-9]\d{0,9}$/.test(fields.send) ? Number(fields.send) : undefined;
  if (id !== undefined) return asOutcome(await (action === 'pause' ? pauseSend : action === 'resume' ? resumeSend : cancelSend)(id));
  const note = typeof fields.note === 'string' && /^\d{1,6}$/.test(fields.note) ? Number(fields.note) : undefined;
  if (note === undefined) return { ok: false, reason: 'no send given' };
  if (action !== 'pause' && action !== 'cancel') return { ok: false, reason: `Note ${note} has no send to resume` };
  const plan = scheduledPlan(catalog, note, fields.lang, now);
  if (!plan) return { ok: false, reason: `Note ${note} is neither due nor the next scheduled send${typeof fields.lang === 'string' ? ` in ${fields.lang}` : ''}` };
  const held = await holdSend(plan);
  return asOutcome(held.ok && action === 'cancel' ? await cancelSend(held.sendId) : held);
}

/** The due or next scheduled send of a Note to one language group, if it is one. */
function scheduledPlan(catalog: NoteCatalog, note: number, lang: unknown, now: number) {
  const schedule = newsletterSchedule(catalog, getSite(), now);
  for (const s of [schedule.due, schedule.upcoming]) {
    if (s?.noteNumber !== note) continue;
    const plan = s.plans.find((p) => p.lang === lang);
    if (plan) return plan;
  }
  return undefined;
}

/** For `newsletter pause --note N`: every language group of a due or next Note, held before it starts. */
export async function holdScheduled(catalog: NoteCatalog, note: number, lang: Lang | undefined, action: 'pause' | 'cancel', now = nowMs()): Promise<ActionOutcome[]> {
  const langs = lang ? [lang] : getSite().languages;
  const out: ActionOutcome[] = [];
  for (const l of langs) {
    if (!lang && !scheduledPlan(catalog, note, l, now)) continue;
    out.push(await sendAction({ action, note: String(note), lang: l }, catalog, now));
  }
  return out.length > 0 ? out : [{ ok: false, reason: `Note ${note} is neither due nor the next scheduled send` }];
}

export interface NotePreview {
  plan: PreviewPlan;
  subject: string;
  html: string;
  text: string;
}

/** Every language's email of a Note, drafts and scheduled Notes included. */
export async function notePreviews(note: number): Promise<NotePreview[]> {
  return Promise.all(
    previewPlans(note).map(async (plan) => {
      const email = await previewOf(plan);
      return { plan, subject: email.subject, html: email.html ?? '', text: email.text ?? '' };
    }),
  );
}

/** Test copies cost real email: a few a minute, for the whole installation. */
export const TEST_SENDS_PER_10_MIN = 10;

export type TestSendOutcome = { ok: true; to: string; lang: Lang } | { ok: false; reason: 'address' | 'language' | 'rate'; message?: string };

export async function sendTest(note: number, fields: Record<string, unknown>): Promise<TestSendOutcome> {
  const to = parseEmail(fields.to);
  if (!to.ok) return { ok: false, reason: 'address', message: to.message };
  const plan = previewPlans(note).find((p) => p.lang === fields.lang);
  if (!plan) return { ok: false, reason: 'language' };
  if (!(await allow('admin-test-send', TEST_SENDS_PER_10_MIN, 600_000))) return { ok: false, reason: 'rate' };
  await sendTestCopy(plan, to.value);
  return { ok: true, to: to.value, lang: plan.lang };
}
