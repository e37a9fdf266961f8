import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { nowMs } from '../lib/core/clock.ts';
import type { PreviewPlan, SendPlan } from '../lib/newsletter/plan.ts';
import type { SendChange } from '../lib/newsletter/sends.server.ts';
import { progressLine, type Command, UsageError } from './shared.ts';
import type { Lang } from '../i18n/lang.ts';
import { createInterface } from 'node:readline/promises';

// What a command uses is loaded when it runs, not for --help (decision 031). The email templates
// come with newsletter-email.server.ts and deliver.server.ts, so only the commands that mail load them.
const database = () => import('../lib/core/db/migrate.server.ts').then((m) => m.prepareDatabase());
const sends = () => import('../lib/newsletter/sends.server.ts');
const emails = () => import('../lib/newsletter/delivery/newsletter-email.server.ts');

/**
 * A command that sends renders each Note in a process that exits (decision 037): React, React Email
 * and the MDX compiler do not stay in memory under the send's batches.
 */
async function renderSendsApart(): Promise<void> {
  (await import('../lib/newsletter/delivery/render-apart.server.ts')).renderInProcessFrom(fileURLToPath(new URL('./render-child.ts', import.meta.url)));
}
const site = () => import('../lib/core/site.server.ts').then((m) => m.getSite());
const notes = () => import('../lib/notes/disk.server.ts').then((m) => m.loadNotesFromDisk());

/** Asks y/N on the terminal; anything but y/yes is no. */
async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^(y|yes)$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

function noteNumberOption(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^\d{1,6}$/.test(value)) throw new UsageError(`expected a Note number such as 205, got "${String(value)}"`);
  return Number(value);
}

async function langOption(value: unknown): Promise<Lang | undefined> {
  if (value === undefined) return undefined;
  const [config, { isLang }] = await Promise.all([site(), import('../i18n/lang.ts')]);
  if (!isLang(value, config.languages)) throw new UsageError(`--lang must be one of: ${config.languages.join(', ')}`);
  return value;
}

/** The Note asked for, else the newest public one. */
async function noteNumberOrLatest(number: number | undefined): Promise<number> {
  const config = await site();
  const n = number ?? (await notes()).catalog.latest(config.defaultLanguage, nowMs())?.number;
  if (n === undefined) throw new UsageError('there is no published Note yet');
  return n;
}

/** "Note 207 (it) is scheduled for 2026-12-07 07:00 Europe/Rome (not public yet)"; undefined for a public version. */
async function notPublicYet(plan: PreviewPlan, withLang: boolean): Promise<string | undefined> {
  if (plan.visibility === 'public') return undefined;
  const [{ timeZone }, { formatWallTime }] = await Promise.all([site(), import('../lib/core/time.ts')]);
  const which = `Note ${plan.noteNumber}${withLang ? ` (${plan.noteLang})` : ''}`;
  return plan.visibility === 'draft' ? `${which} is a draft (not public)` : `${which} is scheduled for ${formatWallTime(plan.publishAt, timeZone)} ${timeZone} (not public yet)`;
}

/** The author's plans of a Note, drafts and scheduled ones included (preview, --test). */
async function previewPlansFor(number: number | undefined, lang: Lang | undefined): Promise<PreviewPlan[]> {
  const n = await noteNumberOrLatest(number);
  const plans = (await emails()).previewPlans(n, lang);
  if (plans.length === 0) throw new UsageError(`there is no Note ${n}${lang ? ` in ${lang}` : ''}`);
  return plans;
}

/** The plans of a real send: only what readers can see now goes to subscribers. */
async function plansFor(number: number | undefined, lang: Lang | undefined): Promise<SendPlan[]> {
  const config = await site();
  const n = await noteNumberOrLatest(number);
  const { plansForNote } = await import('../lib/newsletter/plan.ts');
  const plans = plansForNote((await notes()).catalog, n, config.languages, config.defaultLanguage, nowMs()).filter((p) => !lang || p.lang === lang);
  if (plans.length > 0) return plans;
  const unpublished = (await previewPlansFor(n, lang)).find((p) => p.visibility !== 'public');
  if (!unpublished) throw new UsageError(`Note ${n} is not published${lang ? ` in ${lang}` : ''}`);
  throw new UsageError(`${await notPublicYet(unpublished, lang !== undefined)}: it cannot be sent to subscribers yet; newsletter preview ${n} and newsletter send --note ${n} --test EMAIL work now`);
}

function sendIdArgument(positionals: string[], verb: string): number {
  if (positionals.length !== 1 || !/^\d{1,9}$/.test(positionals[0]!)) throw new UsageError(`give one send id, e.g. drumbeat newsletter ${verb} 12 (ids: npx drumbeat newsletter status)`);
  return Number(positionals[0]);
}

function changeLine(r: Extract<SendChange, { ok: true }>): string {
  const id = r.sendId;
  const next =
    r.to === 'sending' ? ' The scheduler (or newsletter send --due) sends the rest.'
    : r.to === 'scheduled' ? ' Its slot has not come: the schedule starts it then.'
    : r.to === 'paused' && r.from === 'scheduled' ? ` It will not start until newsletter resume ${id}.`
    : r.to === 'paused' ? ` Batches already in flight finish; newsletter resume ${id} continues.`
    : '';
  return `Send ${id} (Note ${r.noteNumber}, ${r.lang}): ${r.from} → ${r.to}, ${r.sent} of ${r.recipients} sent.${next}`;
}

function stateCommand(verb: 'pause' | 'resume' | 'cancel', summary: string, change: (sendId: number) => Promise<SendChange>): Record<string, Command> {
  // A send that has not started has no id yet: pause and cancel also take the due or next Note.
  const byNote = verb !== 'resume';
  return {
    [`newsletter ${verb}`]: {
      summary,
      usage: `drumbeat newsletter ${verb} <send-id>   (ids: npx drumbeat newsletter status)${byNote ? `\n       drumbeat newsletter ${verb} --note 207 [--lang it]   (the due or next scheduled send, before it starts)` : ''}`,
      options: byNote ? { note: { type: 'string' }, lang: { type: 'string' } } : {},
      async run({ values, positionals }) {
        if (byNote && values.note !== undefined) {
          if (positionals.length > 0) throw new UsageError('give a send id or --note, not both');
          const note = noteNumberOption(values.note)!;
          const lang = await langOption(values.lang);
          await database();
          const { holdScheduled } = await import('../lib/admin/sends.server.ts');
          const outcomes = await holdScheduled((await notes()).catalog, note, lang, verb as 'pause' | 'cancel');
          const failed = outcomes.find((o) => !o.ok);
          for (const o of outcomes) if (o.ok) console.log(changeLine(o.change));
          if (failed && !failed.ok) throw new UsageError(failed.reason);
          return;
        }
        if (values.lang !== undefined) throw new UsageError('--lang goes with --note');
        const id = sendIdArgument(positionals, verb);
        await database();
        const r = await change(id);
        if (!r.ok) throw new UsageError(r.reason);
        console.log(changeLine(r));
      },
    },
  };
}

export const newsletterCommands: Record<string, Command> = {
  'newsletter preview': {
    summary: 'render a Note as its newsletter email into the outbox and print the path',
    usage: 'drumbeat newsletter preview [<number>] [--lang it]',
    options: { lang: { type: 'string' } },
    async run({ values, positionals }) {
      if (positionals.length > 1) throw new UsageError('give at most one Note number');
      const config = await site();
      const lang = (await langOption(values.lang)) ?? config.defaultLanguage;
      const [plan] = await previewPlansFor(noteNumberOption(positionals[0]), lang);
      const email = await (await emails()).previewOf(plan!);
      const dir = (await import('../lib/email/outbox.server.ts')).outboxDir();
      mkdirSync(dir, { recursive: true });
      const base = path.join(dir, `preview-${plan!.noteNumber}-${lang}`);
      writeFileSync(`${base}.html`, email.html);
      writeFileSync(`${base}.txt`, email.text);
      const unpublished = await notPublicYet(plan!, plan!.noteLang !== config.defaultLanguage);
      if (unpublished) console.log(`${unpublished}: preview only`);
      if (plan!.fallback) console.log(`No ${lang} version: ${lang} subscribers would get the ${plan!.noteLang} one.`);
      console.log(`Subject: ${email.subject}`);
      console.log(`${path.relative(process.cwd(), base)}.html`);
      console.log(`${path.relative(process.cwd(), base)}.txt`);
    },
  },
  'newsletter send': {
    summary: 'send a Note to the subscribers (default: the newest), or --due for what the schedule says',
    usage: 'drumbeat newsletter send [--note 205] [--lang it] [--test you@example.com] [--dry-run] [--yes] | --due\n\nWithout --note, --due or --test it mails the newest Note to every subscriber: on a terminal it shows\nwhat it will do and asks; --yes skips the question (scripts must give it).',
    options: { note: { type: 'string' }, lang: { type: 'string' }, test: { type: 'string' }, 'dry-run': { type: 'boolean' }, due: { type: 'boolean' }, yes: { type: 'boolean' } },
    async run({ values }) {
      await database();
      const { activeSubscribers, runDueSends, sendOf } = await sends();
      const onProgress = progressLine('sent');
      if (values.due) {
        if (values.note || values.test || values.lang) throw new UsageError('--due takes no other options');
        const results = await runDueSends({ onProgress });
        if (results.length === 0) console.log('Nothing is due.');
        for (const r of results) console.log(r.state === 'done' ? `send ${r.sendId}: done, ${r.sent} sent, ${r.failed} failed of ${r.recipients}` : `send ${r.sendId}: ${r.state}${'reason' in r ? ` (${r.reason})` : ''}`);
        return;
      }
      if (values.test !== undefined) {
        const to = (await import('../lib/newsletter/input.ts')).parseEmail(values.test);
        if (!to.ok) throw new UsageError(`--test: ${to.message}`);
        for (const plan of await previewPlansFor(noteNumberOption(values.note), await langOption(values.lang))) {
          const unpublished = await notPublicYet(plan, true);
          if (unpublished) console.log(`${unpublished}: test copy only, no subscriber gets it`);
          const id = await (await emails()).sendTestCopy(plan, to.value);
          console.log(`Test copy of Note ${plan.noteNumber} (${plan.lang}${plan.fallback ? `, in ${plan.noteLang}` : ''}) sent to ${to.value} (${id}).`);
        }
        return;
      }
      const plans = await plansFor(noteNumberOption(values.note), await langOption(values.lang));
      // The bare command mails everyone the newest Note: the one a slip of the fingers should not start.
      if (values.note === undefined && !values['dry-run'] && !values.yes) {
        const lines: string[] = [];
        for (const plan of plans) {
          const row = await sendOf(plan.noteNumber, plan.lang);
          if (row?.state === 'done' || row?.state === 'cancelled') continue;
          const count = row ? row.recipients - row.sent : await activeSubscribers(plan.lang);
          lines.push(`  ${plan.lang}: ${count} recipient${count === 1 ? '' : 's'}${plan.fallback ? ` (in ${plan.noteLang}, no ${plan.lang} version)` : ''}`);
        }
        if (lines.length > 0) {
          if (!process.stdin.isTTY || !process.stdout.isTTY) throw new UsageError('this would mail the newest Note to every subscriber; add --yes to confirm (or --note N, --dry-run)');
          console.log(`About to send Note ${plans[0]!.noteNumber} to every subscriber:\n${lines.join('\n')}`);
          if (!(await confirm('Send it now?'))) {
            console.log('Nothing sent.');
            return;
          }
        }
      }
      for (const plan of plans) {
        const row = await sendOf(plan.noteNumber, plan.lang);
        const label = `Note ${plan.noteNumber} to ${plan.lang} subscribers${plan.fallback ? ` (in ${plan.noteLang}, no ${plan.lang} version)` : ''}`;
        if (row?.state === 'paused' || row?.state === 'cancelled') {
          console.log(`${label}: ${row.state} (${row.sent} of ${row.recipients} sent)${row.state === 'paused' ? '; resume it with newsletter resume' : ''}.`);
          continue;
        }
        if (row?.state === 'done') {
          console.log(`${label}: already sent (${row.sent} of ${row.recipients}); a Note goes out once per language.`);
          continue;
        }
        if (values['dry-run']) {
          console.log(`${label}: would send to ${row ? `${row.recipients - row.sent} remaining` : `${await activeSubscribers(plan.lang)} active subscribers`} (dry run, nothing sent).`);
          continue;
        }
        const [{ deliver }] = await Promise.all([import('../lib/newsletter/delivery/deliver.server.ts'), renderSendsApart()]);
        const r = await deliver(plan, { onProgress });
        if (r.state === 'done') console.log(`${label}: done, ${r.sent} sent, ${r.failed} failed of ${r.recipients}.`);
        else if (r.state === 'busy') console.log(`${label}: another process is sending it now.`);
        else if (r.state === 'stopped') console.log(`${label}: ${r.by} by the author (send ${r.sendId}); ${r.by === 'paused' ? `newsletter resume ${r.sendId} continues it` : 'the rest is not sent'}.`);
        else if (r.state === 'paused') console.log(`${label}: paused after repeated errors (${r.reason}); run the command again to resume.`);
      }
    },
  },
  ...stateCommand('pause', 'stop a running send after the batches in flight; nobody is lost or mailed twice', async (id) => (await sends()).pauseSend(id)),
  ...stateCommand('resume', 'let a paused send go on with exactly the recipients still pending', async (id) => (await sends()).resumeSend(id)),
  ...stateCommand('cancel', 'stop a running or paused send for good; the pending recipients are never mailed', async (id) => (await sends()).cancelSend(id)),
  'newsletter status': {
    summary: 'show every send: Note, language, state, recipients, sent, failed, bounce and complaint rates',
    usage: 'drumbeat newsletter status',
    options: {},
    async run() {
      await database();
      const rows = await (await sends()).sendStatuses();
      if (rows.length === 0) {
        console.log('No sends yet.');
        return;
      }
      const pct = (n: number, of: number) => (of === 0 ? '-' : `${((100 * n) / of).toFixed(2)}%`);
      // The author's clock, not UTC; the zone is named once below the table.
      const [{ timeZone }, { isoMomentIn }, { zoneName }] = await Promise.all([site(), import('../lib/core/time.ts'), import('../i18n/format.ts')]);
      const time = (t: number | null) => (t === null ? '-' : isoMomentIn(t, timeZone));
      const table = [
        ['send', 'note', 'lang', 'state', 'recipients', 'sent', 'failed', 'progress', 'bounces', 'complaints', 'started', 'finished'],
        ...rows.map((r) => [
          String(r.id), String(r.noteNumber), r.lang === r.noteLang ? r.lang : `${r.lang}←${r.noteLang}`, r.state, String(r.recipients), String(r.sent), String(r.failed),
          pct(r.sent + r.failed, r.recipients), pct(r.bounced, r.sent), pct(r.complained, r.sent), time(r.frozenAt === null ? null : r.startedAt), time(r.finishedAt),
        ]),
      ];
      const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
      for (const row of table) console.log(row.map((c, i) => c.padEnd(widths[i]!)).join('  '));
      console.log(`Times in ${timeZone} (${zoneName('en', rows[0]!.startedAt, timeZone)}).`);
      const warn = rows.filter((r) => r.sent > 0 && r.complained / r.sent >= 0.001);
      for (const r of warn) console.log(`! send ${r.id}: complaint rate ${pct(r.complained, r.sent)} (keep under 0.1%, never reach 0.3%)`);
      for (const r of rows.filter((x) => x.state === 'sending' && x.lastError)) console.log(`! send ${r.id}: ${r.lastError}`);
    },
  },
  worker: {
    summary: 'run the weekly newsletter scheduler alone (without the web server)',
    usage: 'drumbeat worker',
    options: {},
    async run() {
      const config = await site();
      const { schedule } = config.newsletter;
      const [{ runWorker }, { log }] = await Promise.all([import('../jobs/worker.server.ts'), import('../lib/core/log.server.ts'), renderSendsApart()]);
      const finished = await runWorker(() => log.info('worker.start', { message: `Scheduler running (${schedule.time} on weekday ${schedule.weekday}, ${config.timeZone}). Ctrl-C stops it.` }));
      if (!finished) {
        // A request to Resend still in flight would hold the process open: its batch is resent under
        // the same idempotency key once the lease expires.
        console.error('drumbeat: stopped with a send batch still in flight; the send resumes when its lease expires');
        process.exit(1);
      }
    },
  },
};
