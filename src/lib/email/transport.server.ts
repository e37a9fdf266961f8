import { randomUUID } from 'node:crypto';
import { Resend } from 'resend';
import { nowMs } from '../core/clock.ts';
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
  | { ok: false; retryable: boolean; status?: number; error: string; retryAfterMs?: number; rateLimit?: RateLimitInfo };

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

/** Sends up to 100 emails in one request; the same idempotency key never delivers twice. */
export async function sendBatch(emails: OutgoingEmail[], opts: { idempotencyKey: string }): Promise<BatchOutcome> {
  if (emails.length === 0) return { ok: true, ids: [] };
  if (emails.length > 100) throw new Error('a batch holds at most 100 emails');
  const api = client();
  if (!api) return { ok: true, ids: await Promise.all(emails.map((e, i) => writeToOutbox(e, `${opts.idempotencyKey}-${i}`))) };
  let result;
  try {
    result = await api.batch.send(emails.map(toApi), { idempotencyKey: opts.idempotencyKey });
  } catch (err) {
    return { ok: false, retryable: true, error: `network: ${(err as Error).message}` };
  }
  const rateLimit = rateLimitOf(result.headers);
  if (result.error) {
    const status = result.error.statusCode ?? undefined;
    const retryAfter = numberHeader(result.headers, 'retry-after');
    // 429, 5xx and transport failures (no status) are worth another try; other 4xx are final.
    const retryable = status === undefined || status === 429 || status >= 500 || result.error.name === 'concurrent_idempotent_requests';
    return { ok: false, retryable, status, error: `${result.error.name}: ${result.error.message}`, retryAfterMs: retryAfter === undefined ? undefined : retryAfter * 1000, rateLimit };
  }
  const ids = (result.data?.data ?? []).map((d) => d.id);
  return { ok: true, ids, rateLimit };
}

/** One transactional email (confirmation, welcome). Throws when it cannot be sent. */
export async function sendEmail(email: OutgoingEmail): Promise<string> {
  const api = client();
  if (!api) return writeToOutbox(email, `${new Date(nowMs()).toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}`);
  const result = await api.emails.send(toApi(email));
  if (result.error) throw new Error(`email not sent: ${result.error.name}: ${result.error.message}`);
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
