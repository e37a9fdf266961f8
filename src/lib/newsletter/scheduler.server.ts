import { sendDueReminders } from '../access/reminders.server.ts';
import { sendPendingReceipts } from '../payments/fulfil.server.ts';
import { nowMs } from '../clock.ts';
import { getDb } from '../db/client.server.ts';
import { loadNotesFromDisk } from '../notes/disk.server.ts';
import { getSite } from '../site.server.ts';
import { deliver, type DeliveryOptions, type DeliveryResult } from './deliver.server.ts';
import { dueNote, plansForNote, type SendPlan } from './plan.ts';

/** Sends that were started and left (their process died): resumed whatever the date. */
async function abandonedPlans(): Promise<SendPlan[]> {
  const rows = await getDb().$client.execute({
    sql: `SELECT note_number, lang, note_lang FROM sends WHERE state = 'sending' AND (lease_owner IS NULL OR lease_expires_at < ?)`,
    args: [nowMs()],
  });
  return rows.rows.map((r) => ({ noteNumber: Number(r.note_number), lang: String(r.lang), noteLang: String(r.note_lang), fallback: r.lang !== r.note_lang }));
}

/** What the schedule says should go out now, not yet finished. */
export async function duePlans(): Promise<SendPlan[]> {
  const site = getSite();
  const { catalog } = loadNotesFromDisk();
  const now = nowMs();
  const note = dueNote(catalog, site.defaultLanguage, site.newsletter.schedule, site.timeZone, now);
  if (!note) return [];
  const done = await getDb().$client.execute({ sql: `SELECT lang FROM sends WHERE note_number = ? AND state = 'done'`, args: [note.number] });
  const finished = new Set(done.rows.map((r) => String(r.lang)));
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

/** The weekly send inside a long-running process (web server or `drumbeat worker`). */
export function startScheduler(opts: { intervalMs?: number; log?: (line: string) => void } = {}): { stop(): Promise<void> } {
  const log = opts.log ?? ((line) => console.log(line));
  let running: Promise<void> | undefined;
  let stopped = false;
  const tick = () => {
    if (running || stopped) return;
    running = sendDueReminders()
      .then(async (r) => {
        if (r.sent || r.failed) log(`reminders: ${r.sent} deadline reminders sent, ${r.failed} failed`);
        const receipts = await sendPendingReceipts();
        if (receipts) log(`receipts: ${receipts} delayed receipts sent`);
      })
      .catch((err) => log(`reminders: tick failed: ${(err as Error).message}`))
      .then(() => runDueSends())
      .then((results) => {
        for (const r of results) {
          if (r.state === 'done') log(`newsletter: send ${r.sendId} done: ${r.sent} sent, ${r.failed} failed of ${r.recipients}`);
          if (r.state === 'paused') log(`newsletter: send ${r.sendId} paused: ${r.reason}`);
        }
      })
      .catch((err) => log(`newsletter: scheduler tick failed: ${(err as Error).message}`))
      .finally(() => {
        running = undefined;
      });
  };
  tick();
  const timer = setInterval(tick, opts.intervalMs ?? 30_000);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}

export interface SendStatus {
  id: number;
  noteNumber: number;
  lang: string;
  noteLang: string;
  state: string;
  recipients: number;
  sent: number;
  failed: number;
  bounced: number;
  complained: number;
  startedAt: number;
  finishedAt: number | null;
  lastError: string | null;
}

export async function sendStatuses(): Promise<SendStatus[]> {
  const rows = await getDb().$client.execute(
    `SELECT id, note_number, lang, note_lang, state, recipients, sent, failed, bounced, complained, started_at, finished_at, last_error FROM sends ORDER BY id DESC LIMIT 50`,
  );
  return rows.rows.map((r) => ({
    id: Number(r.id),
    noteNumber: Number(r.note_number),
    lang: String(r.lang),
    noteLang: String(r.note_lang),
    state: String(r.state),
    recipients: Number(r.recipients),
    sent: Number(r.sent),
    failed: Number(r.failed),
    bounced: Number(r.bounced),
    complained: Number(r.complained),
    startedAt: Number(r.started_at),
    finishedAt: r.finished_at === null ? null : Number(r.finished_at),
    lastError: r.last_error === null ? null : String(r.last_error),
  }));
}
