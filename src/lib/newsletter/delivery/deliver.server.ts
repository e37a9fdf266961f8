import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { getSite } from '../../core/site.server.ts';
import { sendBatch, type BatchOutcome } from '../../email/transport.server.ts';
import type { SendPlan } from '../plan.ts';
import { claimSend, ensureSend, finishSend, freezeRecipients, markBatchFailed, markBatchSent, nextPendingBatch, noteSendError, releaseSend, sendCounts, type Batch } from './ledger.server.ts';
import { personalizedEmail, renderPlan } from './newsletter-email.server.ts';
import { Pacer } from './pacer.ts';

// Durable delivery (see docs/decisions/005): the ledger (ledger.server.ts) holds who gets the Note
// and which batches went out; this sends the pending batches, a few in flight, at the pacer's rate.
// Each batch goes to Resend under an idempotency key made of the send and the batch number and is
// marked sent after Resend accepted it. A crash anywhere leaves "pending" rows, which a restart
// sends again under the same key (Resend answers with the first result), or "sent" rows.

// Every wait is shorter than the lease, which is renewed after each batch.
const MAX_WAIT_MS = 20_000;
/** retries of one batch in a row before the send pauses (the next scheduler tick resumes it) */
const MAX_ATTEMPTS = 12;
/** batches in flight at once; the pacer, not this, sets the rate */
const IN_FLIGHT = 4;

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

/** How one batch ended: accepted, refused for good, or given up on after MAX_ATTEMPTS retries. */
type BatchResult = { kind: 'sent' } | { kind: 'failed' } | { kind: 'gave-up'; reason: string } | { kind: 'stopped' };

/** Starts or resumes one send and delivers every pending batch; safe to call from many processes. */
export async function deliver(plan: SendPlan, options: DeliveryOptions = {}): Promise<DeliveryResult> {
  const owner = options.owner ?? processId;
  const sleep = options.sleep ?? realSleep;
  const sendId = await ensureSend(plan);
  if (!(await claimSend(sendId, owner))) return { state: 'busy', sendId };
  await freezeRecipients(sendId, plan.lang);
  const rendered = await renderPlan(plan);
  const pacer = new Pacer(options.requestsPerSecond ?? getSite().newsletter.requestsPerSecond, sleep);
  const tags = [{ name: 'send', value: String(sendId) }];
  let stopped: DeliveryResult | undefined;

  /** Sends one batch until Resend takes it, refuses it for good, or MAX_ATTEMPTS retries in a row fail. */
  const sendOne = async (batch: Batch): Promise<BatchResult> => {
    const emails = batch.recipients.map((r) => personalizedEmail(rendered, r, tags));
    for (let attempts = 0; ; ) {
      if (stopped) return { kind: 'stopped' };
      await pacer.wait();
      const outcome: BatchOutcome = await sendBatch(emails, { idempotencyKey: `drumbeat-send-${sendId}-batch-${batch.number}` });
      pacer.adapt(outcome.rateLimit);
      if (outcome.ok) {
        await markBatchSent(sendId, batch.recipients, outcome.ids);
        return { kind: 'sent' };
      }
      if (!outcome.retryable) {
        await markBatchFailed(sendId, batch.number, outcome.error.slice(0, 500));
        return { kind: 'failed' };
      }
      attempts++;
      await noteSendError(sendId, `${outcome.error} (batch ${batch.number}, attempt ${attempts})`);
      if (attempts >= MAX_ATTEMPTS) return { kind: 'gave-up', reason: outcome.error };
      // Exponential backoff with jitter, or exactly what Resend asked for.
      const backoff = outcome.retryAfterMs ?? Math.min(MAX_WAIT_MS, 250 * 2 ** attempts) * (0.5 + Math.random() / 2);
      pacer.pause(Math.min(MAX_WAIT_MS, backoff));
    }
  };

  // Batches are handed out in order, one at a time, to a few workers: requests overlap (a
  // 100-email request takes longer than the pacing interval) while the pacer keeps the rate.
  let cursor = -1;
  let handout: Promise<unknown> = Promise.resolve();
  const takeBatch = (): Promise<Batch | undefined> => {
    const next = handout.then(async () => {
      const batch = await nextPendingBatch(sendId, cursor);
      if (batch) cursor = batch.number;
      return batch;
    });
    handout = next.catch(() => undefined);
    return next;
  };

  const worker = async () => {
    while (!stopped) {
      const batch = await takeBatch();
      if (!batch) return;
      const result = await sendOne(batch);
      if (result.kind === 'stopped') return;
      if (result.kind === 'gave-up') {
        stopped ??= { state: 'paused', sendId, reason: result.reason };
        return;
      }
      // Renewing the lease also tells us whether another process took the send over.
      if (!(await claimSend(sendId, owner))) {
        stopped ??= { state: 'busy', sendId };
        return;
      }
      if (options.onProgress) options.onProgress({ sendId, ...(await sendCounts(sendId)) });
    }
  };

  let crashed: unknown;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, () =>
      worker().catch((err) => {
        crashed ??= err;
        stopped ??= { state: 'busy', sendId };
      }),
    ),
  );
  if (crashed) throw crashed;
  if (stopped?.state === 'paused') await releaseSend(sendId, owner);
  if (stopped) return stopped;
  return { state: 'done', sendId, ...(await finishSend(sendId, owner)) };
}
