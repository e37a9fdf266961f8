import { sendDueReminders } from '../lib/access/reminders.server.ts';
import { nowMs, onClockJump } from '../lib/core/clock.ts';
import { getSite } from '../lib/core/site.server.ts';
import { nextWeeklySlot } from '../lib/core/time.ts';
import { runDueSends } from '../lib/newsletter/sends.server.ts';
import { sendDueConfirmations } from '../lib/newsletter/subscribe.server.ts';
import { sendPendingReceipts } from '../lib/payments/receipts.server.ts';
import { fixedCount, reconcileIfDue } from '../lib/payments/reconcile.server.ts';
import { describeError } from '../lib/core/errors.ts';
import { logEvent } from '../lib/core/log.server.ts';

// The app's job runner: every tick sends due deadline reminders and receipts that a crash or an
// outage held back, then the newsletter sends the schedule says are due. Every job claims its work
// in the database, so any number of processes may run this at once.

/** The jobs inside a long-running process (web server or `drumbeat worker`). */
export function startScheduler(opts: { intervalMs?: number; log?: typeof logEvent } = {}): { stop(): Promise<void> } {
  const log = opts.log ?? logEvent;
  let running: Promise<void> | undefined;
  let stopped = false;
  // Stopping lets the batches in flight finish and the send let go of its lease (deliver's signal).
  const shutdown = new AbortController();
  // The clock jumping during a tick asks for one more right after it, not 30 s later; the timer
  // firing during a long send does not.
  let again = false;
  const tick = (clockJumped = false) => {
    if (stopped) return;
    if (running) {
      again ||= clockJumped;
      return;
    }
    running = sendDueReminders()
      .then(async (r) => {
        if (r.sent || r.failed) log(r.failed ? 'warn' : 'info', 'access.reminders', { sent: r.sent, failed: r.failed });
        const receipts = await sendPendingReceipts();
        if (receipts) log('info', 'receipt.delayed', { sent: receipts });
        // Confirmation emails Resend did not take, or whose process died before sending them.
        const confirmations = await sendDueConfirmations();
        if (confirmations) log('info', 'subscribe.confirmation', { outcome: 'delayed-sent', handled: confirmations });
      })
      .catch((err) => log('error', 'scheduler.tick', { job: 'reminders', message: describeError(err) }))
      .then(() => (stopped ? [] : runDueSends({ signal: shutdown.signal })))
      .then((results) => {
        for (const r of results) {
          if (r.state === 'done') log('info', 'newsletter.send', { send: r.sendId, outcome: 'done', sent: r.sent, failed: r.failed, recipients: r.recipients });
          if (r.state === 'paused') log('warn', 'newsletter.send', { send: r.sendId, outcome: 'paused', message: r.reason });
          if (r.state === 'interrupted') log('info', 'newsletter.send', { send: r.sendId, outcome: 'interrupted', message: 'stopped for the shutdown; the next start resumes it' });
        }
      })
      .catch((err) => log('error', 'scheduler.tick', { job: 'newsletter', message: describeError(err) }))
      // Once a day, what Stripe's missed webhooks would have done; after the sends, so a slow Stripe
      // never holds up a newsletter (docs/decisions/023). It never throws.
      .then(() => reconcileIfDue())
      .then((r) => r && (r.ok ? log(r.failed ? 'warn' : 'info', 'payments.reconcile', { outcome: 'done', fixed: fixedCount(r), failed: r.failed }) : log('error', 'payments.reconcile', { outcome: 'failed', message: r.error })))
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          tick();
        }
      });
  };
  // The next wake-up is the next tick or the newsletter slot, whichever comes first: every process
  // wakes at 07:00:00 itself (not up to a tick later), and the ledger decides who mails whom.
  const intervalMs = opts.intervalMs ?? 30_000;
  let timer: NodeJS.Timeout | undefined;
  const wake = () => {
    if (stopped) return;
    const { newsletter, timeZone } = getSite();
    const untilSlot = nextWeeklySlot(nowMs(), newsletter.schedule, timeZone) - nowMs();
    timer = setTimeout(() => {
      tick();
      wake();
    }, Math.min(intervalMs, untilSlot));
    timer.unref();
  };
  tick();
  wake();
  // The test server moves its clock with POST /dev/clock; this scheduler shares that clock.
  const stopListening = onClockJump(() => {
    tick(true);
    clearTimeout(timer);
    wake();
  });
  return {
    /** Resolves once the work in hand is finished or handed back (the lease let go). */
    async stop() {
      stopped = true;
      shutdown.abort();
      clearTimeout(timer);
      stopListening();
      await running;
    },
  };
}

