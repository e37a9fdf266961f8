import { createHash, createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { http as mswHttp } from 'msw';

// A stand-in for Resend's HTTP API: records what was sent, enforces the batch limit, honours
// idempotency keys the way Resend documents them, and answers 429/5xx on demand. One core,
// two ways in: msw handlers (in-process SDK) and a real HTTP server (child processes, benches).

export interface RecordedEmail {
  id: string;
  from: string;
  replyTo?: string | string[];
  to: string[];
  subject: string;
  html?: string;
  text?: string;
  headers?: Record<string, string>;
  tags?: { name: string; value: string }[];
}

interface Failure {
  status: number;
  headers?: Record<string, string>;
  name?: string;
}

/**
 * What Resend takes as an address (or `Name <address>`): no spaces, controls (C0, DEL, C1) or
 * quotes, one @, a dotted ASCII domain. In strict batch mode one refused address refuses the batch.
 */
const RESEND_ADDRESS = /^(?:[^<>]*<)?[^\s@<>()"\\,;:\u0000-\u001f\u007f-\u009f]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+>?$/;

export class FakeResend {
  readonly emails: RecordedEmail[] = [];
  readonly requests: { path: string; idempotencyKey?: string; count: number; status: number; at: number }[] = [];
  #idempotent = new Map<string, { hash: string; status: number; body: unknown }>();
  #failures: Failure[] = [];
  #nextId = 1;
  #windowStart = 0;
  #windowCount = 0;
  /** keep each email's html, text, headers and tags (off for large benches: who got what is kept) */
  keepBodies = true;

  /** requests per second before answering 429 like Resend does; undefined = unlimited */
  requestsPerSecond?: number;

  constructor(requestsPerSecond?: number) {
    this.requestsPerSecond = requestsPerSecond;
  }

  #hold?: { after: number; seen: number; gate: Promise<void>; open: () => void };
  /** batch requests waiting behind holdBatchesAfter */
  heldBatches = 0;

  /**
   * Lets `after` more batch requests through, then holds every later one (they wait, unanswered)
   * until the returned release(): a send caught in the middle, whatever the machine's speed.
   */
  holdBatchesAfter(after: number): () => void {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    this.#hold = { after, seen: 0, gate, open };
    return () => {
      this.#hold = undefined;
      open();
    };
  }

  /** The next `count` requests fail with this status (then normal service resumes). */
  failNext(count: number, failure: Failure): void {
    for (let i = 0; i < count; i++) this.#failures.push(failure);
  }

  recipients(): string[] {
    return this.emails.flatMap((e) => e.to);
  }

  #rateHeaders(now: number): Record<string, string> {
    if (!this.requestsPerSecond) return {};
    return {
      'ratelimit-limit': String(this.requestsPerSecond),
      'ratelimit-remaining': String(Math.max(0, this.requestsPerSecond - this.#windowCount)),
      'ratelimit-reset': String(Math.max(0, Math.ceil((this.#windowStart + 1000 - now) / 1000))),
    };
  }

  #json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
  }

  #error(status: number, name: string, message: string, headers: Record<string, string> = {}): Response {
    return this.#json(status, { statusCode: status, name, message }, headers);
  }

  #record(email: Record<string, unknown>): string {
    const id = `fake_${String(this.#nextId++).padStart(8, '0')}`;
    const to = Array.isArray(email.to) ? (email.to as string[]) : [String(email.to)];
    this.emails.push({
      id,
      from: String(email.from),
      to,
      subject: String(email.subject),
      ...(this.keepBodies
        ? { replyTo: email.reply_to as RecordedEmail['replyTo'], html: email.html as string | undefined, text: email.text as string | undefined, headers: email.headers as Record<string, string> | undefined, tags: email.tags as RecordedEmail['tags'] }
        : {}),
    });
    return id;
  }

  #invalid(email: unknown): string | undefined {
    if (!email || typeof email !== 'object') return 'each email must be an object';
    const e = email as Record<string, unknown>;
    for (const field of ['from', 'to', 'subject']) if (!e[field]) return `The \`${field}\` field is missing.`;
    if (!e.html && !e.text) return 'Either `html` or `text` must be provided.';
    const to = Array.isArray(e.to) ? e.to : [e.to];
    if (!to.every((address) => typeof address === 'string' && RESEND_ADDRESS.test(address))) {
      return 'Invalid `to` field. The email address needs to follow the `email@example.com` or `Name <email@example.com>` format.';
    }
    return undefined;
  }

  /** `arrivedAt`: when the request reached the server; a rate limiter counts arrivals, not the end of a large upload. */
  handle(request: Request, arrivedAt = Date.now()): Promise<Response> {
    return this.answer(new URL(request.url), request.headers, () => request.text(), arrivedAt);
  }

  /** handle(), for a server that has the body in hand (no Request to build around 2.5 MB). */
  async answer(url: Pick<URL, 'pathname'>, headers: Headers, readBody: () => Promise<string> | string, arrivedAt: number): Promise<Response> {
    const hold = this.#hold;
    if (hold && url.pathname === '/emails/batch' && hold.seen++ >= hold.after) {
      this.heldBatches++;
      await hold.gate;
      this.heldBatches--;
    }
    const now = arrivedAt;
    const key = headers.get('idempotency-key') ?? undefined;
    const raw = await readBody();
    const log = (status: number, count: number) => this.requests.push({ path: url.pathname, idempotencyKey: key, count, status, at: now });

    if (!headers.get('authorization')?.startsWith('Bearer ')) {
      log(401, 0);
      return this.#error(401, 'missing_api_key', 'Missing API key in the authorization header.');
    }
    if (this.requestsPerSecond) {
      // Windows aligned to wall-clock seconds, as rate limiters commonly count.
      const window = Math.floor(now / 1000) * 1000;
      if (window !== this.#windowStart) {
        this.#windowStart = window;
        this.#windowCount = 0;
      }
      this.#windowCount++;
      if (this.#windowCount > this.requestsPerSecond) {
        log(429, 0);
        return this.#error(429, 'rate_limit_exceeded', 'Too many requests.', { ...this.#rateHeaders(now), 'retry-after': '1' });
      }
    }
    const failure = this.#failures.shift();
    if (failure) {
      log(failure.status, 0);
      const name = failure.name ?? (failure.status === 429 ? 'rate_limit_exceeded' : failure.status >= 500 ? 'internal_server_error' : 'validation_error');
      return this.#error(failure.status, name, `injected ${failure.status}`, { ...this.#rateHeaders(now), ...failure.headers });
    }

    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      log(422, 0);
      return this.#error(422, 'validation_error', 'Invalid JSON body.');
    }
    if (key) {
      const hash = createHash('sha256').update(url.pathname).update(raw).digest('hex');
      const previous = this.#idempotent.get(key);
      if (previous) {
        log(previous.hash === hash ? previous.status : 409, 0);
        if (previous.hash !== hash) return this.#error(409, 'invalid_idempotent_request', 'Same idempotency key used with a different request payload.');
        return this.#json(previous.status, previous.body, this.#rateHeaders(now));
      }
      const response = this.#process(url.pathname, body);
      if (response.status < 500) this.#idempotent.set(key, { hash, status: response.status, body: response.body });
      log(response.status, response.count);
      return this.#json(response.status, response.body, this.#rateHeaders(now));
    }
    const response = this.#process(url.pathname, body);
    log(response.status, response.count);
    return this.#json(response.status, response.body, this.#rateHeaders(now));
  }

  #process(path: string, body: unknown): { status: number; body: unknown; count: number } {
    if (path === '/emails/batch') {
      if (!Array.isArray(body)) return { status: 422, body: { statusCode: 422, name: 'validation_error', message: 'Body must be an array.' }, count: 0 };
      if (body.length > 100) return { status: 422, body: { statusCode: 422, name: 'validation_error', message: 'Too many emails in one batch: the maximum is 100.' }, count: 0 };
      const problem = body.map((e) => this.#invalid(e)).find(Boolean);
      if (problem) return { status: 422, body: { statusCode: 422, name: 'validation_error', message: problem }, count: 0 };
      const ids = body.map((e) => ({ id: this.#record(e as Record<string, unknown>) }));
      return { status: 200, body: { data: ids }, count: ids.length };
    }
    if (path === '/emails') {
      const problem = this.#invalid(body);
      if (problem) return { status: 422, body: { statusCode: 422, name: 'validation_error', message: problem }, count: 0 };
      return { status: 200, body: { id: this.#record(body as Record<string, unknown>) }, count: 1 };
    }
    return { status: 404, body: { statusCode: 404, name: 'not_found', message: 'Not found.' }, count: 0 };
  }
}

export const RESEND_ORIGIN = 'https://api.resend.com';

/** msw handlers for the in-process Resend SDK. */
export function resendHandlers(fake: FakeResend, origin = RESEND_ORIGIN) {
  return [mswHttp.post(`${origin}/emails`, ({ request }) => fake.handle(request)), mswHttp.post(`${origin}/emails/batch`, ({ request }) => fake.handle(request))];
}

/** The same fake on a real port, for child processes (RESEND_BASE_URL) and benchmarks. */
export async function serveFakeResend(fake: FakeResend): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(async (req, res) => {
    const arrivedAt = Date.now();
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value);
    // Its own work kept small: this loop also stamps arrivals, and a request that waits behind
    // the parse of the last 2.5 MB is counted late, bunched with the next one.
    const response = await fake.answer(new URL(req.url ?? '/', 'http://127.0.0.1'), headers, () => Buffer.concat(chunks).toString(), arrivedAt);
    res.writeHead(response.status, Object.fromEntries(response.headers.entries()));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * Signs a webhook delivery the way Resend does (Svix: HMAC-SHA256 over "id.timestamp.body" with the
 * base64 key after "whsec_"), written from the spec rather than with the SDK that verifies it.
 */
export function signResendWebhook(body: string, secret: string, id: string, at = new Date()): Headers {
  const timestamp = String(Math.floor(at.getTime() / 1000));
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return new Headers({ 'svix-id': id, 'svix-timestamp': timestamp, 'svix-signature': `v1,${signature}` });
}
