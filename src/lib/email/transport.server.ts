import { randomUUID } from 'node:crypto';
import { Resend } from 'resend';
import { nowMs } from '../core/clock.ts';
import { parseMailbox } from '../core/email-address.ts';
import { getEnv } from '../core/env.server.ts';
import { toApi, type OutgoingEmail } from './message.ts';
import { writeToOutbox } from './outbox.server.ts';

export type { OutgoingEmail } from './message.ts';

// The one email sender: Resend when RESEND_API_KEY is set, otherwise the outbox folder
// (DATA_DIR/outbox, see outbox.server.ts).

export interface RateLimitInfo {
  limit?: number;
  remaining?: number;
  /** seconds until the window resets */
  reset?: number;
}

export type BatchOutcome =
  | { ok: true; ids: string[]; rateLimit?: RateLimitInfo }
  | { ok: false; retryable: boolean; status?: number; code?: string; error: string; retryAfterMs?: number; rateLimit?: RateLimitInfo };

// Callers make their keys here too (one import for sending with a key).
export { idempotencyKey } from '../core/installation.server.ts';

/** Resend's refusal of a key already used for another payload (409): that operation went out before. */
export const KEY_REUSED = 'invalid_idempotent_request';

/** A transactional email that did not go out; `retryable` says whether trying again may help. */
export class EmailNotSent extends Error {
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly retryable: boolean;
  constructor(message: string, status: number | undefined, code: string | undefined, retryable: boolean) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryable = retryable;
  }
}

function retryableError(status: number | undefined, code: string | undefined): boolean {
  // 429, 5xx, transport failures (no status) and a twin request still in flight are worth another try.
  return status === undefined || status === 429 || status >= 500 || code === 'concurrent_idempotent_requests';
}

/** The Message-ID an email of this operation carries (the outbox writes it; Resend makes its own). */
function withMessageId(email: OutgoingEmail, name: string): OutgoingEmail {
  if (email.messageId) return email;
  const address = parseMailbox(getEnv().EMAIL_FROM)?.address ?? 'notes@drumbeat.invalid';
  const domain = address.slice(address.lastIndexOf('@') + 1);
  return { ...email, messageId: `${name.replace(/[^A-Za-z0-9._-]/g, '_')}@${domain}` };
}

let resend: Resend | undefined;
function client(): Resend | undefined {
  const key = getEnv().RESEND_API_KEY;
  if (!key) return undefined;
  return (resend ??= new Resend(key));
}

export function usingOutbox(): boolean {
  return !getEnv().RESEND_API_KEY;
}

function numberHeader(headers: Record<string, string> | null, name: string): number | undefined {
  const v = headers?.[name];
  return v === undefined || v === '' || Number.isNaN(Number(v)) ? undefined : Number(v);
}

function rateLimitOf(headers: Record<string, string> | null): RateLimitInfo | undefined {
  if (!headers) return undefined;
  const info = { limit: numberHeader(headers, 'ratelimit-limit'), remaining: numberHeader(headers, 'ratelimit-remaining'), reset: numberHeader(headers, 'ratelimit-reset') };
  return info.limit === undefined && info.remaining === undefined && info.reset === undefined ? undefined : info;
}

/**
 * One batch's request, built once: the JSON Resend's SDK would send for these emails, as bytes.
 * Every attempt sends the very same bytes (the payload its idempotency key stands for) without
 * building 2.5 MB again, and the emails themselves can go as soon as it exists. The outbox keeps
 * the emails instead (it writes them one by one).
 */
export type PreparedBatch = { count: number; body: Buffer; release(): void } | { count: number; emails: OutgoingEmail[]; release(): void };

// Request bodies are written into buffers kept for the next batch rather than new ones each time:
// a 2.5 MB allocation ten times a second left the heap and malloc to give memory back when they
// got round to it, and RSS grew by hundreds of MB over a send. A handful cover the batches in
// flight; one more than that (a split batch's halves) is allocated and dropped.
const POOLED = 6;
const pool: Buffer[] = [];

function bodyBuffer(length: number): Buffer {
  const i = pool.findIndex((b) => b.length >= length);
  if (i !== -1) return pool.splice(i, 1)[0]!;
  // Room to grow: the next batch of the same Note is a few bytes longer or shorter.
  return Buffer.allocUnsafeSlow(Math.ceil(length * 1.1));
}

function pooledBody(buffer: Buffer, length: number): { body: Buffer; release(): void } {
  let released = false;
  return {
    body: buffer.subarray(0, length),
    release: () => {
      if (released) return;
      released = true;
      if (pool.length < POOLED) pool.push(buffer);
    },
  };
}

const nothingToRelease = () => undefined;

/** Key for key, in the order the SDK's batch.send writes them (its parseEmailToApiOptions), so the bytes are the SDK's. */
function resendJson(email: OutgoingEmail): string {
  const api = toApi(email);
  return JSON.stringify({ from: api.from, headers: api.headers, html: api.html, reply_to: api.replyTo, subject: api.subject, tags: api.tags, text: api.text, to: api.to });
}

export function prepareBatch(emails: OutgoingEmail[]): PreparedBatch {
  if (emails.length > 100) throw new Error('a batch holds at most 100 emails');
  if (!client()) return { count: emails.length, emails, release: nothingToRelease };
  // Each email serialized on its own and written into one buffer: small strings that die young,
  // rather than one 2.5 MB string the heap keeps until a full collection.
  const parts = emails.map(resendJson);
  let length = 2 + Math.max(0, parts.length - 1);
  for (const part of parts) length += Buffer.byteLength(part);
  const body = bodyBuffer(length);
  let at = body.write('[', 0, 'latin1');
  parts.forEach((part, i) => {
    if (i > 0) at += body.write(',', at, 'latin1');
    at += body.write(part, at, 'utf8');
  });
  body.write(']', at, 'latin1');
  return { count: emails.length, ...pooledBody(body, length) };
}

/** What differs between the emails of a templated batch: who, their headers, what fills the hole. */
export interface TemplateFill {
  to: string;
  headers?: Record<string, string>;
  /** replaces every `hole` in the html, as written (escaped for HTML by the caller) */
  html: string;
  /** replaces every `hole` in the text */
  text: string;
}

const jsonInner = (s: string) => JSON.stringify(s).slice(1, -1);

/**
 * Batches of one email that differ only in a hole (the newsletter's unsubscribe link) and the
 * recipient: the same bytes prepareBatch writes for the filled-in emails, but the template's
 * parts are JSON-encoded once, so a batch is written by copying them, and no recipient's 25 KB
 * copy ever exists as a string. Without a Resend key the emails are filled in for the outbox.
 */
export function templateBatches(template: { subject: string; html: string; text: string; tags?: OutgoingEmail['tags'] }, hole: string): (fills: TemplateFill[]) => PreparedBatch {
  const htmlParts = template.html.split(hole).map((part) => Buffer.from(jsonInner(part)));
  const textParts = template.text.split(hole).map((part) => Buffer.from(jsonInner(part)));
  const subjectJson = JSON.stringify(template.subject);
  const tagsJson = template.tags === undefined ? undefined : JSON.stringify(template.tags);
  return (fills) => {
    if (fills.length > 100) throw new Error('a batch holds at most 100 emails');
    const filled = (fill: TemplateFill): OutgoingEmail => ({
      to: fill.to,
      subject: template.subject,
      html: template.html.replaceAll(hole, () => fill.html),
      text: template.text.replaceAll(hole, () => fill.text),
      headers: fill.headers,
      tags: template.tags,
    });
    if (!client()) return { count: fills.length, emails: fills.map(filled), release: nothingToRelease };
    const pieces: (Buffer | string)[] = ['['];
    fills.forEach((fill, i) => {
      // The checks and mapping of toApi (header injection, the domain in ASCII), on the small parts.
      const api = toApi({ to: fill.to, subject: template.subject, html: '', text: '', headers: fill.headers, tags: template.tags });
      const holes = (parts: Buffer[], value: string) => {
        const inner = jsonInner(value);
        parts.forEach((part, j) => {
          if (j > 0) pieces.push(inner);
          pieces.push(part);
        });
      };
      pieces.push(`${i > 0 ? ',' : ''}{"from":${JSON.stringify(api.from)}${api.headers === undefined ? '' : `,"headers":${JSON.stringify(api.headers)}`},"html":"`);
      holes(htmlParts, fill.html);
      pieces.push(`","reply_to":${JSON.stringify(api.replyTo)},"subject":${subjectJson}${tagsJson === undefined ? '' : `,"tags":${tagsJson}`},"text":"`);
      holes(textParts, fill.text);
      pieces.push(`","to":${JSON.stringify(api.to)}}`);
    });
    pieces.push(']');
    let length = 0;
    for (const piece of pieces) length += typeof piece === 'string' ? Buffer.byteLength(piece) : piece.length;
    const body = bodyBuffer(length);
    let at = 0;
    for (const piece of pieces) at += typeof piece === 'string' ? body.write(piece, at) : piece.copy(body, at);
    return { count: fills.length, ...pooledBody(body, length) };
  };
}

/** A buffer as a stream of views into it (not a byte stream: enqueueing would detach the buffer). */
function chunksOf(body: Buffer): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= body.length) return controller.close();
      controller.enqueue(body.subarray(at, (at += 256 * 1024)));
    },
  });
}

/** Sends a prepared batch (see prepareBatch); the same idempotency key never delivers twice. */
export async function sendPreparedBatch(batch: PreparedBatch, opts: { idempotencyKey: string }): Promise<BatchOutcome> {
  if ('emails' in batch) return sendBatch(batch.emails, opts);
  if (batch.count === 0) return { ok: true, ids: [] };
  const api = client()!;
  let result;
  try {
    // The SDK's own request and answer handling, with the body it would have built.
    result = await api.fetchRequest<{ data: { id: string }[] }>('/emails/batch', {
      method: 'POST',
      // Streamed from the buffer: fetch copies a Buffer body (2.5 MB more per request), not a stream's chunks.
      body: chunksOf(batch.body),
      duplex: 'half',
      headers: {
        Authorization: `Bearer ${getEnv().RESEND_API_KEY}`,
        'Content-Type': 'application/json',
        'Content-Length': String(batch.body.length),
        'Idempotency-Key': opts.idempotencyKey,
        'x-batch-validation': 'strict',
      },
    });
  } catch (err) {
    return { ok: false, retryable: true, error: `network: ${(err as Error).message}` };
  }
  return batchOutcome(result);
}

function batchOutcome(result: { data: { data?: { id: string }[] } | null; error: { statusCode?: number | null; name: string; message: string } | null; headers: Record<string, string> | null }): BatchOutcome {
  const rateLimit = rateLimitOf(result.headers);
  if (result.error) {
    const status = result.error.statusCode ?? undefined;
    const retryAfter = numberHeader(result.headers, 'retry-after');
    const retryable = retryableError(status, result.error.name);
    return { ok: false, retryable, status, code: result.error.name, error: `${result.error.name}: ${result.error.message}`, retryAfterMs: retryAfter === undefined ? undefined : retryAfter * 1000, rateLimit };
  }
  const ids = (result.data?.data ?? []).map((d) => d.id);
  return { ok: true, ids, rateLimit };
}

/** Sends up to 100 emails in one request; the same idempotency key never delivers twice. */
export async function sendBatch(emails: OutgoingEmail[], opts: { idempotencyKey: string }): Promise<BatchOutcome> {
  if (emails.length === 0) return { ok: true, ids: [] };
  if (emails.length > 100) throw new Error('a batch holds at most 100 emails');
  const api = client();
  // The outbox names each file after the key, so a replay overwrites instead of duplicating.
  if (!api) return { ok: true, ids: await Promise.all(emails.map((e, i) => writeToOutbox(withMessageId(e, `${opts.idempotencyKey}-${i}`), `${opts.idempotencyKey}-${i}`))) };
  let result;
  try {
    result = await api.batch.send(emails.map(toApi), { idempotencyKey: opts.idempotencyKey });
  } catch (err) {
    return { ok: false, retryable: true, error: `network: ${(err as Error).message}` };
  }
  return batchOutcome(result);
}

/**
 * One transactional email (receipt, sign-in, confirmation, welcome). With an idempotency key (see
 * idempotencyKey) a retry after a crash or a timeout never delivers twice. Throws EmailNotSent.
 */
export async function sendEmail(email: OutgoingEmail, opts: { idempotencyKey?: string } = {}): Promise<string> {
  const api = client();
  const key = opts.idempotencyKey;
  if (!api) {
    const name = key ?? `${new Date(nowMs()).toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}`;
    return writeToOutbox(withMessageId(email, name), name);
  }
  let result;
  try {
    result = await api.emails.send(toApi(email), key ? { idempotencyKey: key } : undefined);
  } catch (err) {
    throw new EmailNotSent(`email not sent: network: ${(err as Error).message}`, undefined, undefined, true);
  }
  if (result.error) {
    const status = result.error.statusCode ?? undefined;
    throw new EmailNotSent(`email not sent: ${result.error.name}: ${result.error.message}`, status, result.error.name, retryableError(status, result.error.name));
  }
  return result.data!.id;
}

export type ResendWebhookHeaders = { id: string; timestamp: string; signature: string };

/**
 * Checks a Resend webhook's signature (Svix / Standard Webhooks) with the SDK's own verifier; throws
 * when it does not match. Verification needs only the webhook secret, not an API key.
 */
let verifier: Resend | undefined;
export function verifyResendWebhook(payload: string, headers: ResendWebhookHeaders, webhookSecret: string): void {
  (client() ?? (verifier ??= new Resend('re_verification_only'))).webhooks.verify({ payload, headers, webhookSecret });
}
