import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';

// The one log. In production (NODE_ENV=production) every event is one JSON line on stdout, for a
// log shipper; elsewhere a short human line. Every line passes through `scrub`, so an address, a
// token or a key that slips into a message is masked there rather than trusted to each caller.

export type LogLevel = 'info' | 'warn' | 'error';
export type LogFields = Record<string, string | number | boolean | null | undefined>;

const requestContext = new AsyncLocalStorage<string>();

// Request ids only need to be unique, not secret: a random start per process and a counter. Eight
// fresh random bytes per request cost a getrandom() call each, 2.5% of a gated page's CPU.
const requestIdPrefix = randomBytes(4).toString('hex');
let requestCount = 0;

/** A request id from the proxy in front (X-Request-Id) when it looks like one, else a new one. */
export function requestIdFrom(header: string | null | undefined): string {
  if (header && /^[A-Za-z0-9._:-]{8,128}$/.test(header)) return header;
  requestCount = (requestCount + 1) % 0x1_0000_0000;
  return requestIdPrefix + requestCount.toString(16).padStart(8, '0');
}

/** Runs `fn` with `requestId` on every line it logs, however deep (and after the response too). */
export function withRequestId<T>(requestId: string, fn: () => T): T {
  return requestContext.run(requestId, fn);
}

export function currentRequestId(): string | undefined {
  return requestContext.getStore();
}

// Keys and signing secrets by their published prefixes; tokens as long base64url runs (ours are 43
// characters and more; ids, hashes in idempotency keys and Stripe object ids are shorter or carry
// a prefix with an underscore, which breaks the run).
const SECRET = /\b(?:(?:sk|rk|pk)_(?:test|live)_[A-Za-z0-9]+|whsec_[A-Za-z0-9+/=_-]+|re_[A-Za-z0-9_]{8,})/g;
const TOKEN = /(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{40,}(?![A-Za-z0-9_-])/g;
const EMAIL = /([^\s@<>"'(),;:]+)@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)/g;

/** a…@example.com: enough to tell two readers apart in a log, not enough to write to either. */
export function maskEmail(address: string): string {
  const at = address.lastIndexOf('@');
  if (at < 1) return '…';
  return `${address[0]}…${address.slice(at)}`;
}

export function scrub(text: string): string {
  return text
    .replace(SECRET, '[secret]')
    .replace(TOKEN, '[token]')
    .replace(EMAIL, (_m, local: string, domain: string) => `${local[0]}…@${domain}`);
}

let jsonLines: boolean | undefined;

/** Tests switch the format; the server decides once, from NODE_ENV. */
export function setLogFormat(format: 'json' | 'text' | undefined): void {
  jsonLines = format === undefined ? undefined : format === 'json';
}

function formatValue(value: string | number | boolean | null): string {
  const text = String(value);
  return /^[^\s"=]+$/.test(text) ? text : JSON.stringify(text);
}

/** One event: `event` is a dotted name (`newsletter.batch`, `stripe.webhook`), fields are flat. */
export function logEvent(level: LogLevel, event: string, fields: LogFields = {}): void {
  const requestId = currentRequestId();
  const clean: Record<string, string | number | boolean | null> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    clean[key] = typeof value === 'string' ? scrub(value) : value;
  }
  const json = jsonLines ?? process.env.NODE_ENV === 'production';
  if (json) {
    process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level, event, ...(requestId ? { requestId } : {}), ...clean })}\n`);
    return;
  }
  const parts = Object.entries(clean).map(([k, v]) => (k === 'message' ? String(v) : `${k}=${formatValue(v)}`));
  const line = `${new Date().toISOString().slice(11, 19)} ${level === 'info' ? '' : `${level}: `}${event}${parts.length ? ` ${parts.join(' ')}` : ''}${requestId ? ` (request ${requestId})` : ''}\n`;
  (level === 'info' ? process.stdout : process.stderr).write(line);
}

export const log = {
  info: (event: string, fields?: LogFields) => logEvent('info', event, fields),
  warn: (event: string, fields?: LogFields) => logEvent('warn', event, fields),
  error: (event: string, fields?: LogFields) => logEvent('error', event, fields),
};
