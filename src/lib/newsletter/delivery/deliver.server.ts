import { hostname } from 'node:os';
import { createHash, randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { getDb } from '../../core/db/client.server.ts';
import { sends } from '../../core/db/schema.ts';
import { getSite } from '../../core/site.server.ts';
import { idempotencyKey, KEY_REUSED, sendPreparedBatch, type BatchOutcome } from '../../email/transport.server.ts';
import type { SendPlan } from '../plan.ts';
import { batchMembers, claimSend, ensureSend, finishSend, freezeRecipients, lastSendError, markBatchSent, markRecipientsFailed, nextPendingBatch, noteSendError, releaseSend, sendCounts, type Batch, type Member, type Recipient } from './ledger.server.ts';
import { renderApart } from './render-apart.server.ts';
import { newsletterBatches } from './send-batches.server.ts';
import { accountTimeline } from './budget.server.ts';
import { Pacer } from './pacer.ts';
import { log } from '../../core/log.server.ts';

// Durable delivery (see docs/decisions/005): the ledger (ledger.server.ts) holds who gets the Note
// and which batches went out; this sends the pending batches, a few in flight, at the pacer's rate.
// Each batch goes to Resend under an idempotency key made of this installation, the Note, the
// language, the batch and its recipients (docs/decisions/012), and is marked sent after Resend
// accepted it. A crash anywhere leaves "pending" rows, which a restart sends again under the same
// key (Resend answers with the first result), or "sent" rows. A batch Resend refuses for one
// address is split until the address is alone: only that one fails. A key Resend already holds for
// other content (409) holds that batch back, pending, and pauses the send for the author to see.

// Every wait is shorter than the lease, which is renewed after each batch.
const MAX_WAIT_MS = 20_000;
/** retries of one batch in a row before the send pauses (the next scheduler tick resumes it) */
const MAX_ATTEMPTS = 12;
/** batches built or in flight at once (each a ~2.5 MB body); the pacer, not this, sets the rate */
const IN_FLIGHT = 4;

export const processId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

export interface DeliveryOptions {
  owner?: string;
  /** requests per second to Resend; defaults to content/site.yaml newsletter.requestsPerSecond */
  requestsPerSecond?: number;
  onProgress?: (p: { sendId: number; sent: number; failed: number; recipients: number }) => void;
  sleep?: (ms: number) => Promise<void>;
  /** the pacer's clock (real time: Resend's windows are), which a test's `sleep` may move instead */
  now?: () => number;
  /**
   * The process is shutting down: the batches in flight finish and are marked, no new one starts,
   * waits end at once, and the lease is let go so the next process resumes the send immediately.
   */
  signal?: AbortSignal;
}

export type DeliveryResult =
  | { state: 'done'; sendId: number; recipients: number; sent: number; failed: number }
  | { state: 'busy'; sendId: number }
  | { state: 'paused'; sendId: number; reason: string }
  | { state: 'stopped'; sendId: number; by: 'paused' | 'cancelled' }
  | { state: 'interrupted'; sendId: number };

/** A lost lease: the author paused or cancelled the send (pauseSend, cancelSend), or another process holds it. */
async function whyNotClaimed(sendId: number): Promise<DeliveryResult> {
  const row = await getDb().query.sends.findFirst({ columns: { state: true }, where: eq(sends.id, sendId) });
  return row?.state === 'paused' || row?.state === 'cancelled' ? { state: 'stopped', sendId, by: row.state } : { state: 'busy', sendId };
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A wait that ends early when the process shuts down (the caller then looks at the signal). */
function abortable(sleep: (ms: number) => Promise<void>, signal: AbortSignal | undefined): (ms: number) => Promise<void> {
  if (!signal) return sleep;
  return (ms) =>
    signal.aborted
      ? Promise.resolve()
      : new Promise<void>((resolve, reject) => {
          const done = () => {
            signal.removeEventListener('abort', done);
            resolve();
          };
          signal.addEventListener('abort', done, { once: true });
          sleep(ms).then(done, reject);
        });
}

/**
 * How one batch ended: accepted, refused for good (some addresses), held back pending (its key
 * is taken, or Resend refuses the request itself), or given up on after MAX_ATTEMPTS retries.
 */
type BatchResult = { kind: 'sent' } | { kind: 'failed' } | { kind: 'held'; reason: string } | { kind: 'gave-up'; reason: string } | { kind: 'stopped' };

const SEVERITY: BatchResult['kind'][] = ['sent', 'failed', 'held', 'gave-up', 'stopped'];
const worse = (a: BatchResult, b: BatchResult) => (SEVERITY.indexOf(b.kind) > SEVERITY.indexOf(a.kind) ? b : a);

/** The same recipients give the same digest, whatever order the database returned them in. */
function recipientsDigest(recipients: Recipient[]): string {
  return createHash('sha256').update(recipients.map((r) => `${r.id}:${r.email}`).join('\n')).digest('hex').slice(0, 12);
}

/** Starts or resumes one send and delivers every pending batch; safe to call from many processes. */
export async function deliver(plan: SendPlan, options: DeliveryOptions = {}): Promise<DeliveryResult> {
  const owner = options.owner ?? processId;
  const { signal } = options;
  const sleep = abortable(options.sleep ?? realSleep, signal);
  const sendId = await ensureSend(plan);
  if (signal?.aborted) return { state: 'interrupted', sendId };
  if (!(await claimSend(sendId, owner))) return whyNotClaimed(sendId);
  await freezeRecipients(sendId, plan.lang);
  // In a process of its own: the templates' modules never load into the sender (decision 037).
  const rendered = await renderApart(plan);
  const pacer = new Pacer(options.requestsPerSecond ?? getSite().newsletter.requestsPerSecond, sleep, options.now ?? Date.now, accountTimeline);
  const tags = [{ name: 'send', value: String(sendId) }];
  const prepareBatch = newsletterBatches(rendered, tags);
  let stopped: DeliveryResult | undefined;
  /** why a batch was held back pending; the others go on, then the send pauses */
  let held: string | undefined;

  /**
   * Sends members lo…hi of one batch (its full membership, sorted) until Resend takes them, refuses
   * them for good, or MAX_ATTEMPTS retries in a row fail. A validation refusal (422) of several
   * emails is split in two, each half under its own key, so one address Resend refuses fails
   * alone. The halves are fixed by the batch's membership, so a resume after a crash asks with
   * the same keys; a range partly done was refused as a whole before, and only its halves are sent.
   */
  const sendOne = async (batch: number, members: Member[], lo: number, hi: number): Promise<BatchResult> => {
    const recipients = members.slice(lo, hi).filter((m) => m.state === 'pending');
    if (recipients.length === 0) return { kind: 'sent' };
    const split = async (): Promise<BatchResult> => {
      // Splitting can take many requests: keep the lease, or stop if another process took the send.
      if (!(await claimSend(sendId, owner))) {
        stopped ??= await whyNotClaimed(sendId);
        return { kind: 'stopped' };
      }
      const mid = lo + Math.ceil((hi - lo) / 2);
      const first = await sendOne(batch, members, lo, mid);
      if (first.kind === 'stopped' || first.kind === 'gave-up') return first;
      return worse(first, await sendOne(batch, members, mid, hi));
    };
    if (recipients.length < hi - lo) return split();
    // Built once, before its turn: the request leaves the moment the pacer says, and a retry
    // sends the same bytes. At most IN_FLIGHT of these exist at once.
    const request = prepareBatch(recipients);
    const key = await idempotencyKey(`send/${plan.noteNumber}-${plan.lang}/batch-${batch}/${lo}-${hi}-${recipientsDigest(recipients)}`);
    try {
      for (let attempts = 0; ; ) {
        if (stopped || signal?.aborted) return { kind: 'stopped' };
        await pacer.wait();
        if (signal?.aborted) return { kind: 'stopped' };
        const outcome: BatchOutcome = await sendPreparedBatch(request, { idempotencyKey: key });
        await pacer.adapt(outcome.rateLimit);
        if (outcome.ok) {
          await markBatchSent(sendId, batch, recipients, outcome.ids);
          log.info('newsletter.batch', { send: sendId, note: plan.noteNumber, lang: plan.lang, batch, sent: recipients.length, attempts: attempts + 1 });
          return { kind: 'sent' };
        }
        if (outcome.code === KEY_REUSED) {
          // Resend holds this key for other content: an earlier attempt of this batch (before an edit
          // of the Note, or from a restored backup) may have gone out. Nobody is marked failed and
          // nothing is sent twice; the author decides. The line names no address.
          const reason = `Resend refused batch ${batch} of send ${sendId} (Note ${plan.noteNumber}, ${plan.lang}): its idempotency key was already used for other content (${outcome.error}); its ${recipients.length} recipients stay pending`;
          // Each scheduler tick asks again; the log says it once, `newsletter status` every time.
          if ((await lastSendError(sendId)) !== reason.slice(0, 500)) log.error('newsletter.batch', { send: sendId, batch, outcome: 'held', message: reason });
          await noteSendError(sendId, reason.slice(0, 500));
          return { kind: 'held', reason };
        }
        if (!outcome.retryable && outcome.status === 422) {
          if (recipients.length > 1) return split();
          await markRecipientsFailed(sendId, batch, recipients, outcome.error.slice(0, 500));
          return { kind: 'failed' };
        }
        if (!outcome.retryable) {
          // Refused for a reason no single address explains (a revoked key, a bad sender): every
          // batch would be, so the send pauses with its recipients pending until that is fixed.
          const reason = `Resend refused batch ${batch} of send ${sendId}: ${outcome.error}`;
          log.error('newsletter.batch', { send: sendId, batch, outcome: 'refused', message: reason });
          await noteSendError(sendId, reason.slice(0, 500));
          return { kind: 'gave-up', reason };
        }
        attempts++;
        await noteSendError(sendId, `${outcome.error} (batch ${batch}, attempt ${attempts})`);
        if (attempts >= MAX_ATTEMPTS) return { kind: 'gave-up', reason: outcome.error };
        // Exponential backoff with jitter, or exactly what Resend asked for.
        const backoff = outcome.retryAfterMs ?? Math.min(MAX_WAIT_MS, 250 * 2 ** attempts) * (0.5 + Math.random() / 2);
        await pacer.pause(Math.min(MAX_WAIT_MS, backoff));
      }
    } finally {
      // Its buffer serves a later batch.
      request.release();
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
    while (!stopped && !signal?.aborted) {
      const batch = await takeBatch();
      if (!batch) return;
      const members = await batchMembers(sendId, batch.number);
      const result = await sendOne(batch.number, members, 0, members.length);
      if (result.kind === 'stopped') return;
      if (result.kind === 'held') held ??= result.reason;
      if (result.kind === 'gave-up') {
        stopped ??= { state: 'paused', sendId, reason: result.reason };
        return;
      }
      // Renewing the lease also tells us whether another process took the send over.
      if (!(await claimSend(sendId, owner))) {
        stopped ??= await whyNotClaimed(sendId);
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
  if (!stopped && held) {
    stopped = { state: 'paused', sendId, reason: held };
    // Later batches that went out cleared the error; the author must still see this one.
    await noteSendError(sendId, held.slice(0, 500));
  }
  if (!stopped && signal?.aborted && (await nextPendingBatch(sendId, -1))) stopped = { state: 'interrupted', sendId };
  if (stopped?.state === 'paused' || stopped?.state === 'interrupted') await releaseSend(sendId, owner);
  if (stopped) return stopped;
  return { state: 'done', sendId, ...(await finishSend(sendId, owner)) };
}
