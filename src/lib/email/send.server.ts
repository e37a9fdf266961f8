import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Resend } from 'resend';
import { nowMs } from '../clock.ts';
import { getEnv } from '../env.server.ts';

// The one email sender: Resend when RESEND_API_KEY is set, otherwise the outbox folder
// (DATA_DIR/outbox: one .eml with headers plus one .html per email).

export interface OutgoingEmail {
  to: string;
  subject: string;
  html: string;
  text: string;
  headers?: Record<string, string>;
  tags?: { name: string; value: string }[];
}

export interface RateLimitInfo {
  limit?: number;
  remaining?: number;
  /** seconds until the window resets */
  reset?: number;
}

export type BatchOutcome =
  | { ok: true; ids: string[]; rateLimit?: RateLimitInfo }
  | { ok: false; retryable: boolean; status?: number; error: string; retryAfterMs?: number; rateLimit?: RateLimitInfo };

/** Reject anything that could inject a header, wherever the value came from. */
function assertHeaderSafe(value: string, what: string): void {
  if (/[\r\n]/.test(value)) throw new Error(`${what} contains a line break`);
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

function toApi(email: OutgoingEmail) {
  assertHeaderSafe(email.to, 'recipient');
  assertHeaderSafe(email.subject, 'subject');
  for (const [k, v] of Object.entries(email.headers ?? {})) assertHeaderSafe(`${k}${v}`, `header ${k}`);
  return { from: getEnv().EMAIL_FROM, to: [email.to], subject: email.subject, html: email.html, text: email.text, headers: email.headers, tags: email.tags };
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

// ---- outbox -------------------------------------------------------------------------------

export function outboxDir(): string {
  return path.join(getEnv().DATA_DIR, 'outbox');
}

function encodeHeader(value: string): string {
  // RFC 2047 for non-ASCII header text (subjects in Italian, names).
  return /^[\x20-\x7e]*$/.test(value) ? value : `=?UTF-8?B?${Buffer.from(value).toString('base64')}?=`;
}

/**
 * Writes an .eml (as it would be sent) and an .html beside it; a name reused overwrites, so replays
 * never duplicate. Asynchronous: a slow disk must not stall every other request of the server.
 */
async function writeToOutbox(email: OutgoingEmail, name: string): Promise<string> {
  const dir = outboxDir();
  await mkdir(dir, { recursive: true });
  const api = toApi(email);
  const safeName = name.replace(/[^A-Za-z0-9._-]/g, '_');
  const boundary = `drumbeat-${safeName}`;
  const headers = [
    `From: ${api.from}`,
    `To: ${email.to}`,
    `Subject: ${encodeHeader(email.subject)}`,
    `Date: ${new Date(nowMs()).toUTCString()}`,
    `Message-ID: <${safeName}@drumbeat.outbox>`,
    'MIME-Version: 1.0',
    ...Object.entries(email.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
  ];
  const eml = [
    ...headers,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from(email.text).toString('base64').replace(/.{76}/g, '$&\r\n'),
    `--${boundary}`,
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from(email.html).toString('base64').replace(/.{76}/g, '$&\r\n'),
    `--${boundary}--`,
    '',
  ].join('\r\n');
  await Promise.all([writeFile(path.join(dir, `${safeName}.eml`), eml), writeFile(path.join(dir, `${safeName}.html`), email.html)]);
  return `outbox:${safeName}`;
}

export interface OutboxEntry {
  name: string;
  to: string;
  subject: string;
  date: number;
  headers: Record<string, string>;
  text: string;
  html: string;
}

/** Reads the outbox back (dev page, tests): newest first. */
export function readOutbox(limit = 200): OutboxEntry[] {
  const dir = outboxDir();
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.eml'));
  } catch {
    return [];
  }
  return files
    .map((f) => ({ f, mtime: statSync(path.join(dir, f)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime || b.f.localeCompare(a.f))
    .slice(0, limit)
    .map(({ f, mtime }) => parseEml(f.replace(/\.eml$/, ''), readFileSync(path.join(dir, f), 'utf8'), mtime));
}

function decodeHeader(value: string): string {
  return value.replace(/=\?UTF-8\?B\?([^?]+)\?=/g, (_, b64: string) => Buffer.from(b64, 'base64').toString('utf8'));
}

function parseEml(name: string, eml: string, mtime: number): OutboxEntry {
  const [head = '', ...rest] = eml.split('\r\n\r\n');
  const headers: Record<string, string> = {};
  for (const line of head.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).toLowerCase()] = decodeHeader(line.slice(i + 1).trim());
  }
  const body = rest.join('\r\n\r\n');
  const parts = body.split(/--drumbeat-[^\r\n]*/).map((p) => p.trim()).filter((p) => p.startsWith('Content-Type'));
  const partText = (type: string) => {
    const part = parts.find((p) => p.startsWith(`Content-Type: ${type}`));
    return part ? Buffer.from(part.split('\r\n\r\n')[1]!.replace(/\s+/g, ''), 'base64').toString('utf8') : '';
  };
  return { name, to: headers.to ?? '', subject: headers.subject ?? '', date: mtime, headers, text: partText('text/plain'), html: partText('text/html') };
}
