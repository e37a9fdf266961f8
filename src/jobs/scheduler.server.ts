import { sendDueReminders } from '../lib/access/reminders.server.ts';
import { onClockJump } from '../lib/core/clock.ts';
import { runDueSends } from '../lib/newsletter/sends.server.ts';
import { sendDueConfirmations } from '../lib/newsletter/subscribe.server.ts';
import { sendPendingReceipts } from '../lib/payments/receipts.server.ts';
import { describeError } from '../lib/core/errors.ts';

// The app's job runner: every tick sends due deadline reminders and receipts that a crash or an
// outage held back, then the newsletter sends the schedule says are due. Every job claims its work
// in the database, so any number of processes may run this at once.

/** The jobs inside a long-running process (web server or `drumbeat worker`). */
export function startScheduler(opts: { intervalMs?: number; log?: (line: string) => void } = {}): { stop(): Promise<void> } {
  const log = opts.log ?? ((line) => console.log(line));
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
        if (r.sent || r.failed) log(`reminders: ${r.sent} deadline reminders sent, ${r.failed} failed`);
        const receipts = await sendPendingReceipts();
        if (receipts) log(`receipts: ${receipts} delayed receipts sent`);
        // Confirmation emails Resend did not take, or whose process died before sending them.
        const confirmations = await sendDueConfirmations();
        if (confirmations) log(`subscribe: ${confirmations} delayed confirmation requests handled`);
      })
      .catch((err) => log(`reminders: tick failed: ${describeError(err)}`))
      .then(() => (stopped ? [] : runDueSends({ signal: shutdown.signal })))
      .then((results) => {
        for (const r of results) {
          if (r.state === 'done') log(`newsletter: send ${r.sendId} done: ${r.sent} sent, ${r.failed} failed of ${r.recipients}`);
          if (r.state === 'paused') log(`newsletter: send ${r.sendId} paused: ${r.reason}`);
          if (r.state === 'interrupted') log(`newsletter: send ${r.sendId} stopped for the shutdown; the next start resumes it`);
        }
      })
      .catch((err) => log(`newsletter: scheduler tick failed: ${describeError(err)}`))
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          tick();
        }
      });
  };
  tick();
  const timer = setInterval(() => tick(), opts.intervalMs ?? 30_000);
  timer.unref();
  // The test server moves its clock with POST /dev/clock; this scheduler shares that clock.
  const stopListening = onClockJump(() => tick(true));
  return {
    /** Resolves once the work in hand is finished or handed back (the lease let go). */
    async stop() {
      stopped = true;
      shutdown.abort();
      clearInterval(timer);
      stopListening();
      await running;
    },
  };
}

