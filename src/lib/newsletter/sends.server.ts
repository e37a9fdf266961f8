import { and, desc, eq, getTableColumns, isNull, lt, or } from 'drizzle-orm';
import { nowMs } from '../core/clock.ts';
import { getDb } from '../core/db/client.server.ts';
import { sends, subscribers } from '../core/db/schema.ts';
import { getSite } from '../core/site.server.ts';
import { isLang, type Lang } from '../../i18n/lang.ts';
import { loadNotesFromDisk } from '../notes/disk.server.ts';
import { deliver, type DeliveryOptions, type DeliveryResult } from './delivery/deliver.server.ts';
import { dueNote, plansForNote, type SendPlan } from './plan.ts';

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
  const done = await getDb().select({ lang: sends.lang }).from(sends).where(and(eq(sends.noteNumber, note.number), eq(sends.state, 'done')));
  const finished = new Set(done.map((r) => r.lang));
  return plansForNote(catalog, note.number, site.languages, site.defaultLanguage, now).filter((p) => !finished.has(p.lang));
}

/** One scheduler tick: finish abandoned sends, then start what is due. */
export async function runDueSends(options: DeliveryOptions = {}): Promise<DeliveryResult[]> {
  const plans = [...(await abandonedPlans()), ...(await duePlans())];
  const seen = new Set<string>();
  const results: DeliveryResult[] = [];
  for (const plan of plans) {
    const key = `${plan.noteNumber}/${plan.lang}`;
    if (seen.has(key)) continue;
    seen.add(key);
    results.push(await deliver(plan, options));
  }
  return results;
}

export type SendStatus = Omit<typeof sends.$inferSelect, 'leaseOwner' | 'leaseExpiresAt' | 'frozenAt'>;

/** The last 50 sends, newest first. */
export async function sendStatuses(): Promise<SendStatus[]> {
  const { leaseOwner: _owner, leaseExpiresAt: _expires, frozenAt: _frozen, ...columns } = getTableColumns(sends);
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
