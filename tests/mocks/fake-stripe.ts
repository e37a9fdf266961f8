import { createHash, randomInt } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { http as mswHttp } from 'msw';
import Stripe from 'stripe';

// A stand-in for the Stripe endpoints Drumbeat uses (Checkout Sessions: create, retrieve,
// expire, list; refunds and disputes: list, for reconciliation), so the official SDK runs unchanged against it: the SDK's form encoding is parsed
// back, idempotency keys behave as Stripe documents them, errors have Stripe's shape. Tests
// drive the other side (the buyer paying, async payments, refunds, disputes) through methods
// that return Stripe-shaped events, and sign them with the SDK's own helper.
// One core, two ways in: msw handlers (in-process SDK) and a real HTTP server (child
// processes, browser tests), which also serves a fake hosted checkout page.

export const STRIPE_ORIGIN = 'https://api.stripe.com';
/** Origin of the hosted checkout page in msw mode; serveFakeStripe replaces it with its own. */
export const CHECKOUT_ORIGIN = 'https://checkout.stripe.test';
export const FAKE_API_VERSION = '2026-10-28.endive';

// ---------------------------------------------------------------------------------------------
// Form bodies: the SDK sends v1 parameters as `a[b][0][c]=x`, brackets unencoded, every value a
// string ("true", "49", "" for null).

export type FormValue = string | FormValue[] | { [key: string]: FormValue };
export type FormObject = { [key: string]: FormValue };

const UNSAFE_KEYS = new Set(['__proto__', 'prototype', 'constructor']);
const NUMBER_KEYS = new Set(['unit_amount', 'quantity', 'expires_at', 'amount']);
const BOOLEAN_KEYS = new Set(['enabled', 'allow_promotion_codes']);

/** Parses Stripe's bracket notation into nested objects/arrays; all leaves stay strings. */
export function parseStripeForm(input: string | URLSearchParams): FormObject {
  const params = typeof input === 'string' ? new URLSearchParams(input) : input;
  const root: FormObject = {};
  for (const [rawKey, value] of params) {
    const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(rawKey);
    const path = match ? [match[1]!, ...[...match[2]!.matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1]!)] : [rawKey];
    if (path.some((segment) => UNSAFE_KEYS.has(segment))) continue;
    let node: FormObject | FormValue[] = root;
    for (let i = 0; i < path.length; i++) {
      const segment = path[i]!;
      const container = node as Record<string | number, FormValue | undefined>;
      const slot: string | number = Array.isArray(node) ? (segment === '' ? node.length : Number(segment)) : segment;
      if (i === path.length - 1) {
        container[slot] = value;
        break;
      }
      const next = path[i + 1]!;
      const wantArray = next === '' || /^\d+$/.test(next);
      const existing = container[slot];
      if (existing === undefined || typeof existing !== 'object') container[slot] = wantArray ? [] : {};
      node = container[slot] as FormObject | FormValue[];
    }
  }
  return root;
}

/** Known numeric and boolean parameters converted (metadata values always stay strings). */
function coerce(value: FormValue, key?: string): unknown {
  if (Array.isArray(value)) return value.map((v) => coerce(v));
  if (typeof value === 'object') {
    if (key === 'metadata') return { ...value };
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, coerce(v, k)]));
  }
  if (key && NUMBER_KEYS.has(key) && /^-?\d+$/.test(value)) return Number(value);
  if (key && BOOLEAN_KEYS.has(key) && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

/** parseStripeForm plus the conversions our endpoints rely on (unit_amount → number, enabled → boolean, …). */
export function parseStripeParams(input: string | URLSearchParams): Record<string, unknown> {
  return coerce(parseStripeForm(input)) as Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------
// Objects

export interface CustomerDetails {
  email: string;
  name: string | null;
  address: null;
  phone: null;
  tax_exempt: 'none';
  tax_ids: [];
}

export interface Session {
  id: string;
  object: 'checkout.session';
  url: string | null;
  status: 'open' | 'complete' | 'expired';
  payment_status: 'paid' | 'unpaid';
  mode: 'payment';
  ui_mode: 'hosted';
  amount_subtotal: number;
  amount_total: number;
  currency: string;
  metadata: Record<string, string>;
  client_reference_id: string | null;
  customer: string | null;
  customer_email: string | null;
  customer_details: CustomerDetails | null;
  payment_intent: string | null;
  invoice: string | null;
  allow_promotion_codes: boolean | null;
  billing_address_collection: 'auto' | 'required' | null;
  tax_id_collection: { enabled: boolean; required: 'never' };
  invoice_creation: { enabled: boolean } | null;
  expires_at: number;
  success_url: string;
  cancel_url: string | null;
  locale: string | null;
  livemode: false;
  created: number;
}

export interface LineItem {
  id: string;
  object: 'item';
  description: string;
  quantity: number;
  currency: string;
  amount_subtotal: number;
  amount_total: number;
  amount_discount: 0;
  amount_tax: 0;
  price: { id: string; object: 'price'; currency: string; unit_amount: number; product: string; livemode: false };
}

export interface Product {
  id: string;
  object: 'product';
  name: string;
  description: string | null;
}

export interface PriceEntry {
  unit_amount: number;
  currency: string;
  /** product name shown on the fake checkout page and as the line item's description */
  product_name?: string;
}

export interface StripeEvent<T = unknown> {
  id: string;
  object: 'event';
  api_version: string;
  created: number;
  livemode: false;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  type: string;
  data: { object: T };
}

export interface Charge {
  id: string;
  object: 'charge';
  amount: number;
  amount_captured: number;
  amount_refunded: number;
  refunded: boolean;
  captured: true;
  paid: true;
  status: 'succeeded';
  currency: string;
  customer: string | null;
  payment_intent: string;
  receipt_email: string | null;
  billing_details: { email: string | null; name: string | null };
  metadata: Record<string, string>;
  created: number;
  livemode: false;
}

export interface Dispute {
  id: string;
  object: 'dispute';
  amount: number;
  currency: string;
  charge: string;
  payment_intent: string;
  reason: 'fraudulent';
  status: 'needs_response';
  is_charge_refundable: false;
  metadata: Record<string, string>;
  created: number;
  livemode: false;
}

export interface Refund {
  id: string;
  object: 'refund';
  amount: number;
  currency: string;
  charge: string;
  payment_intent: string;
  reason: null;
  status: 'succeeded';
  metadata: Record<string, string>;
  created: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** parsed query string (GET parameters such as expand[]) */
  query: Record<string, unknown>;
  /** parsed form body, with the numeric/boolean conversions of parseStripeParams */
  body: Record<string, unknown>;
  /** the body exactly as the SDK encoded it */
  rawBody: string;
  idempotencyKey?: string;
  stripeVersion?: string;
  status: number;
  /** answered from the idempotency cache */
  replayed: boolean;
  /** id of the object in a successful response */
  objectId?: string;
  at: number;
}

export interface Delivery {
  eventId: string;
  type: string;
  url: string;
  status: number;
  error?: string;
}

interface Failure {
  status: number;
  type?: string;
  code?: string;
  message?: string;
}

interface StripeErrorBody {
  error: { type: string; message: string; param?: string; code?: string; doc_url?: string };
}

type Reply = { status: number; body: unknown; objectId?: string };

class ParamError extends Error {
  readonly param?: string;
  readonly code?: string;
  readonly status: number;
  constructor(message: string, param?: string, code?: string, status = 400) {
    super(message);
    this.param = param;
    this.code = code;
    this.status = status;
  }
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const ZERO_DECIMAL = new Set(['bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf']);
const LOCALES = new Set(
  'auto bg cs da de el en en-GB es es-419 et fi fil fr fr-CA hr hu id it ja ko lt lv ms mt nb nl pl pt pt-BR ro ru sk sl sv th tr vi zh zh-HK zh-TW'.split(' '),
);

function randomId(prefix: string, length = 24): string {
  let id = prefix;
  for (let i = 0; i < length; i++) id += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return id;
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(params: Record<string, unknown>, name: string): string | undefined {
  const value = params[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new ParamError(`Invalid string: ${JSON.stringify(value)}`, name);
  return value;
}

function validUrl(value: string, param: string): string {
  try {
    new URL(value);
  } catch {
    throw new ParamError('Not a valid URL', param, 'url_invalid');
  }
  return value;
}

function integer(value: unknown, param: string, min = 0): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new ParamError(`Invalid integer: ${String(value)}`, param);
  if (value < min) throw new ParamError(`This value must be greater than or equal to ${min}.`, param);
  return value;
}

export class FakeStripe {
  readonly sessions = new Map<string, Session>();
  readonly lineItems = new Map<string, LineItem[]>();
  readonly products = new Map<string, Product>();
  readonly requests: RecordedRequest[] = [];
  readonly prices = new Map<string, PriceEntry>();
  readonly events: StripeEvent[] = [];
  /** refunds and disputes as the list endpoints return them (each refund() and dispute() adds one) */
  readonly refunds = new Map<string, Refund>();
  readonly disputes = new Map<string, Dispute>();
  readonly deliveries: Delivery[] = [];
  /** where the /pay flow (and deliver() without a url) sends webhooks; settable after the server starts */
  webhookUrl?: string;
  webhookSecret?: string;
  /** origin of the hosted checkout page (session.url); serveFakeStripe sets it to the server's own */
  checkoutOrigin = CHECKOUT_ORIGIN;
  /**
   * Stripe's clock for `created` and the list filters, in ms; align it with the app's clock when the
   * app's time is faked. expires_at is checked against the real clock, as the app computes it (a
   * test clock a day away from today would otherwise refuse every session).
   */
  now: () => number = () => Date.now();

  #idempotent = new Map<string, { fingerprint: string; status: number; body: unknown }>();
  #failures: Failure[] = [];
  #payments = new Map<string, { charge: string; amountRefunded: number }>();
  /** creation order of every listable object, so objects made in the same second still list newest first */
  #order = new Map<string, number>();
  #created = 0;

  #made(id: string): void {
    this.#order.set(id, ++this.#created);
  }

  /** The next `count` API requests fail with this status and a Stripe-shaped error (then normal service resumes). */
  failNext(count: number, failure: Failure): void {
    for (let i = 0; i < count; i++) this.#failures.push(failure);
  }

  #seconds(): number {
    return Math.floor(this.now() / 1000);
  }

  #json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
    return new Response(JSON.stringify(body, null, 2), {
      status,
      headers: { 'content-type': 'application/json', 'request-id': randomId('req_', 14), 'stripe-version': FAKE_API_VERSION, ...headers },
    });
  }

  #error(status: number, message: string, extra: { param?: string; code?: string; type?: string } = {}): Reply {
    const error: StripeErrorBody['error'] = { type: extra.type ?? 'invalid_request_error', message };
    if (extra.code) {
      error.code = extra.code;
      error.doc_url = `https://stripe.com/docs/error-codes/${extra.code.replace(/_/g, '-')}`;
    }
    if (extra.param) error.param = extra.param;
    return { status, body: { error } };
  }

  /** One entry point for everything: the API under /v1/ and the hosted checkout page under /pay/. */
  async handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname.startsWith('/pay/')) return this.#checkoutPage(request, url);

    const rawBody = request.method === 'GET' || request.method === 'HEAD' ? '' : await request.text();
    const record: RecordedRequest = {
      method: request.method,
      path: url.pathname,
      query: parseStripeParams(url.searchParams),
      body: parseStripeParams(rawBody),
      rawBody,
      idempotencyKey: request.headers.get('idempotency-key') ?? undefined,
      stripeVersion: request.headers.get('stripe-version') ?? undefined,
      status: 0,
      replayed: false,
      at: this.now(),
    };
    this.requests.push(record);
    const reply = (r: Reply, headers: Record<string, string> = {}) => {
      record.status = r.status;
      record.objectId = r.objectId;
      const extra: Record<string, string> = record.idempotencyKey && request.method === 'POST' ? { 'idempotency-key': record.idempotencyKey } : {};
      return this.#json(r.status, r.body, { ...extra, ...headers });
    };

    const auth = request.headers.get('authorization') ?? '';
    const key = auth.startsWith('Bearer ') ? auth.slice('Bearer '.length).trim() : '';
    if (!key) {
      return reply(this.#error(401, 'You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. \'Authorization: Bearer YOUR_SECRET_KEY\').'));
    }
    if (!/^(sk|rk)_(test|live)_/.test(key)) return reply(this.#error(401, `Invalid API Key provided: ${key.slice(0, 8)}***`, { code: 'api_key_invalid' }));

    const failure = this.#failures.shift();
    if (failure) {
      const type = failure.type ?? (failure.status === 429 ? 'invalid_request_error' : failure.status >= 500 ? 'api_error' : 'invalid_request_error');
      const code = failure.code ?? (failure.status === 429 ? 'rate_limit' : undefined);
      return reply(this.#error(failure.status, failure.message ?? `injected ${failure.status}`, { type, code }));
    }

    // Stripe: only POSTs are idempotent by key; the same key with other parameters is a 400.
    // Results are saved once the endpoint ran (here: successes), so a failed request can be retried.
    if (record.idempotencyKey && request.method === 'POST') {
      const fingerprint = createHash('sha256').update(`${request.method} ${url.pathname}\n`).update(rawBody).digest('hex');
      const previous = this.#idempotent.get(record.idempotencyKey);
      if (previous) {
        if (previous.fingerprint !== fingerprint) {
          return reply(
            this.#error(
              400,
              `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${record.idempotencyKey}' if you meant to execute a different request.`,
              { type: 'idempotency_error' },
            ),
          );
        }
        record.replayed = true;
        const body = previous.body as { id?: unknown };
        return reply({ status: previous.status, body: previous.body, objectId: typeof body.id === 'string' ? body.id : undefined }, { 'idempotent-replayed': 'true' });
      }
      const result = this.#route(record);
      if (result.status < 400) this.#idempotent.set(record.idempotencyKey, { fingerprint, status: result.status, body: result.body });
      return reply(result);
    }
    return reply(this.#route(record));
  }

  #route(record: RecordedRequest): Reply {
    const { method, path } = record;
    try {
      if (path === '/v1/checkout/sessions' && method === 'POST') return this.#create(record);
      if (method === 'GET' && path === '/v1/checkout/sessions') return this.#list(record, [...this.sessions.values()], (session, q) => q.status === undefined || session.status === q.status);
      if (method === 'GET' && path === '/v1/refunds') return this.#list(record, [...this.refunds.values()], (refund, q) => q.payment_intent === undefined || refund.payment_intent === q.payment_intent);
      if (method === 'GET' && path === '/v1/disputes') return this.#list(record, [...this.disputes.values()], (dispute, q) => q.payment_intent === undefined || dispute.payment_intent === q.payment_intent);
      const one = /^\/v1\/checkout\/sessions\/([^/]+)$/.exec(path);
      if (one && method === 'GET') return this.#retrieve(decodeURIComponent(one[1]!), record.query);
      const expire = /^\/v1\/checkout\/sessions\/([^/]+)\/expire$/.exec(path);
      if (expire && method === 'POST') return this.#expireViaApi(decodeURIComponent(expire[1]!), record);
    } catch (error) {
      if (error instanceof ParamError) return this.#error(error.status, error.message, { param: error.param, code: error.code });
      throw error;
    }
    return this.#error(
      404,
      `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/. (The fake Stripe implements only POST and GET /v1/checkout/sessions, GET /v1/checkout/sessions/:id, POST /v1/checkout/sessions/:id/expire, GET /v1/refunds and GET /v1/disputes.)`,
    );
  }

  /**
   * A list endpoint as Stripe pages them: newest first, `limit` 1–100 (default 10), `starting_after`
   * / `ending_before` an object id of the list, `created` a timestamp or a range (gt, gte, lt, lte).
   */
  #list<T extends { id: string; created: number }>(record: RecordedRequest, all: T[], keep: (item: T, query: Record<string, unknown>) => boolean): Reply {
    const q = record.query;
    const limit = q.limit === undefined ? 10 : Number(q.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new ParamError(`Invalid limit: must be an integer between 1 and 100`, 'limit');
    const created = q.created;
    const bound = (name: string, value: unknown) => {
      const n = Number(value);
      if (!/^\d+$/.test(String(value))) throw new ParamError(`Invalid integer: ${String(value)}`, `created[${name}]`);
      return n;
    };
    const range: Record<string, number> = {};
    if (typeof created === 'string') range.eq = bound('eq', created);
    else if (isRecord(created)) {
      for (const [name, value] of Object.entries(created)) {
        if (!['gt', 'gte', 'lt', 'lte'].includes(name)) throw new ParamError(`Received unknown parameter: created[${name}]`, `created[${name}]`);
        range[name] = bound(name, value);
      }
    }
    const inRange = (c: number) =>
      (range.eq === undefined || c === range.eq) && (range.gt === undefined || c > range.gt) && (range.gte === undefined || c >= range.gte) && (range.lt === undefined || c < range.lt) && (range.lte === undefined || c <= range.lte);
    const sorted = all
      .filter((item) => inRange(item.created) && keep(item, q))
      .sort((a, b) => b.created - a.created || (this.#order.get(b.id) ?? 0) - (this.#order.get(a.id) ?? 0));
    let start = 0;
    let end = sorted.length;
    for (const [param, after] of [['starting_after', true], ['ending_before', false]] as const) {
      const cursor = q[param];
      if (cursor === undefined || cursor === '') continue;
      const at = sorted.findIndex((item) => item.id === cursor);
      if (at < 0) throw new ParamError(`No such object: '${String(cursor)}'`, param, 'resource_missing', 404);
      if (after) start = at + 1;
      else end = at;
    }
    const ending = q.ending_before !== undefined && q.ending_before !== '';
    const page = ending ? sorted.slice(Math.max(start, end - limit), end) : sorted.slice(start, start + limit);
    const hasMore = ending ? end - limit > start : start + limit < end;
    const expand = this.#expand(q);
    const data = page.map((item) => this.#listView(item, expand));
    return { status: 200, body: { object: 'list', data, has_more: hasMore, url: record.path } };
  }

  #listView(item: { id: string }, expand: string[]): unknown {
    if (this.sessions.has(item.id)) return this.#view(item as unknown as Session, expand.filter((e) => e.startsWith('data.')).map((e) => e.slice('data.'.length)));
    const view = structuredClone(item) as Record<string, unknown>;
    if (expand.includes('data.charge') && typeof view.charge === 'string') {
      const sessionId = [...this.#payments.entries()].find(([, p]) => p.charge === view.charge)?.[0];
      if (sessionId) view.charge = this.#charge(this.sessions.get(sessionId)!, this.#payments.get(sessionId)!);
    }
    return view;
  }

  #expand(params: Record<string, unknown>): string[] {
    const expand = params.expand;
    return Array.isArray(expand) ? expand.filter((e): e is string => typeof e === 'string') : [];
  }

  #view(session: Session, expand: string[]): Record<string, unknown> {
    const view: Record<string, unknown> = { ...structuredClone(session) };
    if (expand.includes('line_items')) {
      view.line_items = { object: 'list', data: structuredClone(this.lineItems.get(session.id) ?? []), has_more: false, url: `/v1/checkout/sessions/${session.id}/line_items` };
    }
    return view;
  }

  #create(record: RecordedRequest): Reply {
    const p = record.body;
    const mode = optionalString(p, 'mode');
    if (!mode) throw new ParamError('Missing required param: mode.', 'mode', 'parameter_missing');
    if (mode !== 'payment') throw new ParamError(`The fake Stripe supports only mode=payment, got '${mode}'.`, 'mode', 'parameter_invalid_string');
    const successRaw = optionalString(p, 'success_url');
    if (!successRaw) throw new ParamError('Missing required param: success_url.', 'success_url', 'parameter_missing');
    const successUrl = validUrl(successRaw, 'success_url');
    const cancelRaw = optionalString(p, 'cancel_url');
    const cancelUrl = cancelRaw === undefined ? null : validUrl(cancelRaw, 'cancel_url');

    const rawItems = p.line_items;
    if (rawItems === undefined || rawItems === '') throw new ParamError('Missing required param: line_items.', 'line_items', 'parameter_missing');
    if (!Array.isArray(rawItems) || rawItems.length === 0) throw new ParamError('line_items must contain at least one item.', 'line_items', 'parameter_invalid_empty');

    const items: LineItem[] = [];
    rawItems.forEach((raw, i) => {
      const param = `line_items[${i}]`;
      if (!isRecord(raw)) throw new ParamError('Invalid object', param);
      const quantity = raw.quantity === undefined ? undefined : integer(raw.quantity, `${param}[quantity]`, 1);
      if (quantity === undefined) throw new ParamError('Quantity is required. Add `quantity` to `line_items[' + i + ']`', `${param}[quantity]`, 'parameter_missing');
      let unitAmount: number;
      let currency: string;
      let priceId: string;
      let productId: string;
      let name: string;
      if (raw.price !== undefined && raw.price_data !== undefined) throw new ParamError('You may only specify one of these parameters: price, price_data.', param);
      if (typeof raw.price === 'string') {
        const price = this.prices.get(raw.price);
        if (!price) throw new ParamError(`No such price: '${raw.price}'`, `${param}[price]`, 'resource_missing');
        unitAmount = price.unit_amount;
        currency = price.currency.toLowerCase();
        priceId = raw.price;
        name = price.product_name ?? raw.price;
        productId = `prod_${createHash('sha256').update(raw.price).digest('hex').slice(0, 14)}`;
        if (!this.products.has(productId)) this.products.set(productId, { id: productId, object: 'product', name, description: null });
      } else if (isRecord(raw.price_data)) {
        const data = raw.price_data;
        const dataParam = `${param}[price_data]`;
        if (typeof data.currency !== 'string' || !data.currency) throw new ParamError('Missing required param: currency.', `${dataParam}[currency]`, 'parameter_missing');
        currency = data.currency.toLowerCase();
        if (!/^[a-z]{3}$/.test(currency)) throw new ParamError(`Invalid currency: ${currency}.`, `${dataParam}[currency]`);
        if (data.unit_amount === undefined) throw new ParamError('Missing required param: unit_amount.', `${dataParam}[unit_amount]`, 'parameter_missing');
        unitAmount = integer(data.unit_amount, `${dataParam}[unit_amount]`);
        const productData = data.product_data;
        if (!isRecord(productData) || typeof productData.name !== 'string' || !productData.name) {
          throw new ParamError('Missing required param: product_data[name].', `${dataParam}[product_data][name]`, 'parameter_missing');
        }
        name = productData.name;
        priceId = randomId('price_');
        productId = randomId('prod_', 14);
        const description = typeof productData.description === 'string' && productData.description ? productData.description : null;
        this.products.set(productId, { id: productId, object: 'product', name, description });
      } else {
        throw new ParamError('You must specify either `price` or `price_data` for each line item.', param, 'parameter_missing');
      }
      items.push({
        id: randomId('li_'),
        object: 'item',
        description: name,
        quantity,
        currency,
        amount_subtotal: unitAmount * quantity,
        amount_total: unitAmount * quantity,
        amount_discount: 0,
        amount_tax: 0,
        price: { id: priceId, object: 'price', currency, unit_amount: unitAmount, product: productId, livemode: false },
      });
    });
    const currency = items[0]!.currency;
    const other = items.findIndex((item) => item.currency !== currency);
    if (other >= 0) throw new ParamError('All line items must use the same currency.', `line_items[${other}][price_data][currency]`);

    const metadata = this.#metadata(p.metadata, 'metadata');
    if (p.payment_intent_data !== undefined) {
      if (!isRecord(p.payment_intent_data)) throw new ParamError('Invalid object', 'payment_intent_data');
      this.#metadata(p.payment_intent_data.metadata, 'payment_intent_data[metadata]');
    }
    const customerEmail = optionalString(p, 'customer_email') ?? null;
    if (customerEmail !== null && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(customerEmail)) throw new ParamError(`Invalid email address: ${customerEmail}`, 'customer_email', 'email_invalid');
    const locale = optionalString(p, 'locale') ?? null;
    if (locale !== null && !LOCALES.has(locale)) throw new ParamError(`Invalid locale: ${locale}`, 'locale', 'parameter_invalid_string');
    const billing = optionalString(p, 'billing_address_collection') ?? null;
    if (billing !== null && billing !== 'auto' && billing !== 'required') throw new ParamError(`Invalid billing_address_collection: must be one of auto or required`, 'billing_address_collection');
    const allowPromotionCodes = p.allow_promotion_codes === undefined ? null : p.allow_promotion_codes;
    if (allowPromotionCodes !== null && typeof allowPromotionCodes !== 'boolean') throw new ParamError('Invalid boolean: ' + String(allowPromotionCodes), 'allow_promotion_codes');
    const taxIds = this.#enabledFlag(p.tax_id_collection, 'tax_id_collection');
    const invoiceCreation = this.#enabledFlag(p.invoice_creation, 'invoice_creation');

    const created = this.#seconds();
    let expiresAt = created + 24 * 3600;
    if (p.expires_at !== undefined) {
      expiresAt = integer(p.expires_at, 'expires_at');
      // Stripe: between 30 minutes and 24 hours after creation (a minute's leeway for the trip here).
      const sentAt = Math.floor(Date.now() / 1000);
      if (expiresAt < sentAt + 30 * 60 - 60) throw new ParamError('The `expires_at` timestamp must be at least 30 minutes from Checkout Session creation.', 'expires_at');
      if (expiresAt > sentAt + 24 * 3600 + 60) throw new ParamError('The `expires_at` timestamp must be less than 24 hours from Checkout Session creation.', 'expires_at');
    }

    const id = randomId('cs_test_', 58);
    const amount = items.reduce((sum, item) => sum + item.amount_total, 0);
    const session: Session = {
      id,
      object: 'checkout.session',
      url: `${this.checkoutOrigin}/pay/${id}`,
      status: 'open',
      payment_status: 'unpaid',
      mode: 'payment',
      ui_mode: 'hosted',
      amount_subtotal: amount,
      amount_total: amount,
      currency,
      metadata,
      client_reference_id: optionalString(p, 'client_reference_id') ?? null,
      customer: null,
      customer_email: customerEmail,
      customer_details: null,
      payment_intent: null,
      invoice: null,
      allow_promotion_codes: allowPromotionCodes,
      billing_address_collection: billing,
      tax_id_collection: { enabled: taxIds ?? false, required: 'never' },
      invoice_creation: invoiceCreation === undefined ? { enabled: false } : { enabled: invoiceCreation },
      expires_at: expiresAt,
      success_url: successUrl,
      cancel_url: cancelUrl,
      locale,
      livemode: false,
      created,
    };
    this.sessions.set(id, session);
    this.#made(id);
    this.lineItems.set(id, items);
    return { status: 200, body: this.#view(session, this.#expand(p)), objectId: id };
  }

  #metadata(value: unknown, param: string): Record<string, string> {
    if (value === undefined || value === '') return {};
    if (!isRecord(value)) throw new ParamError('Invalid object', param);
    const entries = Object.entries(value);
    if (entries.length > 50) throw new ParamError('You can specify up to 50 keys in metadata.', param);
    const result: Record<string, string> = {};
    for (const [key, v] of entries) {
      if (key.length > 40) throw new ParamError(`Metadata keys can have up to 40 characters; '${key}' has ${key.length}.`, `${param}[${key}]`);
      if (typeof v !== 'string') throw new ParamError('Metadata values must be strings.', `${param}[${key}]`);
      if (v.length > 500) throw new ParamError(`Metadata values can have up to 500 characters, but you passed in a value that is ${v.length} characters.`, `${param}[${key}]`);
      if (v !== '') result[key] = v; // '' unsets a key
    }
    return result;
  }

  #enabledFlag(value: unknown, param: string): boolean | undefined {
    if (value === undefined) return undefined;
    if (!isRecord(value)) throw new ParamError('Invalid object', param);
    if (value.enabled === undefined) throw new ParamError('Missing required param: ' + param + '[enabled].', `${param}[enabled]`, 'parameter_missing');
    if (typeof value.enabled !== 'boolean') throw new ParamError('Invalid boolean: ' + String(value.enabled), `${param}[enabled]`);
    return value.enabled;
  }

  #missing(id: string): Reply {
    return this.#error(404, `No such checkout.session: '${id}'`, { param: 'session', code: 'resource_missing' });
  }

  #retrieve(id: string, query: Record<string, unknown>): Reply {
    const session = this.sessions.get(id);
    if (!session) return this.#missing(id);
    return { status: 200, body: this.#view(session, this.#expand(query)), objectId: id };
  }

  #expireViaApi(id: string, record: RecordedRequest): Reply {
    const session = this.sessions.get(id);
    if (!session) return this.#missing(id);
    if (session.status !== 'open') {
      return this.#error(400, `Only Checkout Sessions with a status in ["open"] can be expired. This session's status is '${session.status}'.`);
    }
    this.expire(id, { id: randomId('req_', 14), idempotency_key: record.idempotencyKey ?? null });
    return { status: 200, body: this.#view(session, this.#expand(record.body)), objectId: id };
  }

  // -------------------------------------------------------------------------------------------
  // The other side: what the buyer and the card networks do. Each returns the event Stripe sends.

  #session(id: string): Session {
    const session = this.sessions.get(id);
    if (!session) throw new Error(`fake Stripe: no such checkout session ${id}`);
    return session;
  }

  /** Builds (and stores in `events`) an event carrying a snapshot of `object`. */
  event<T>(type: string, object: T, request: StripeEvent['request'] = { id: null, idempotency_key: null }): StripeEvent<T> {
    const event: StripeEvent<T> = {
      id: randomId('evt_'),
      object: 'event',
      api_version: FAKE_API_VERSION,
      created: this.#seconds(),
      livemode: false,
      pending_webhooks: 1,
      request,
      type,
      data: { object: structuredClone(object) },
    };
    this.events.push(event);
    return event;
  }

  /** The buyer pays: the session completes (paid, or unpaid while an async method such as SEPA is pending). */
  complete(sessionId: string, opts: { email?: string; name?: string; async?: boolean } = {}): StripeEvent<Session> {
    const session = this.#session(sessionId);
    if (session.status !== 'open') throw new Error(`fake Stripe: session ${sessionId} is ${session.status}, not open`);
    session.status = 'complete';
    session.payment_status = opts.async ? 'unpaid' : 'paid';
    session.url = null;
    session.payment_intent = randomId('pi_test_');
    session.customer = randomId('cus_test_', 14);
    session.customer_details = {
      email: opts.email ?? session.customer_email ?? 'buyer@example.com',
      name: opts.name ?? 'Test Buyer',
      address: null,
      phone: null,
      tax_exempt: 'none',
      tax_ids: [],
    };
    if (session.invoice_creation?.enabled) session.invoice = randomId('in_test_');
    this.#payments.set(sessionId, { charge: randomId('ch_test_'), amountRefunded: 0 });
    return this.event('checkout.session.completed', session);
  }

  #pendingAsync(sessionId: string): Session {
    const session = this.#session(sessionId);
    if (session.status !== 'complete' || session.payment_status !== 'unpaid') {
      throw new Error(`fake Stripe: session ${sessionId} has no pending async payment (status ${session.status}, payment_status ${session.payment_status})`);
    }
    return session;
  }

  asyncSucceeded(sessionId: string): StripeEvent<Session> {
    const session = this.#pendingAsync(sessionId);
    session.payment_status = 'paid';
    return this.event('checkout.session.async_payment_succeeded', session);
  }

  asyncFailed(sessionId: string): StripeEvent<Session> {
    const session = this.#pendingAsync(sessionId);
    this.#payments.delete(sessionId);
    return this.event('checkout.session.async_payment_failed', session);
  }

  /** The session times out (or is expired through the API). */
  expire(sessionId: string, request?: StripeEvent['request']): StripeEvent<Session> {
    const session = this.#session(sessionId);
    if (session.status !== 'open') throw new Error(`fake Stripe: session ${sessionId} is ${session.status}, not open`);
    session.status = 'expired';
    session.url = null;
    return this.event('checkout.session.expired', session, request);
  }

  #paid(sessionId: string): { session: Session; payment: { charge: string; amountRefunded: number } } {
    const session = this.#session(sessionId);
    const payment = this.#payments.get(sessionId);
    if (!payment || session.payment_status !== 'paid') throw new Error(`fake Stripe: session ${sessionId} has no successful payment`);
    return { session, payment };
  }

  #charge(session: Session, payment: { charge: string; amountRefunded: number }): Charge {
    return {
      id: payment.charge,
      object: 'charge',
      amount: session.amount_total,
      amount_captured: session.amount_total,
      amount_refunded: payment.amountRefunded,
      refunded: payment.amountRefunded >= session.amount_total,
      captured: true,
      paid: true,
      status: 'succeeded',
      currency: session.currency,
      customer: session.customer,
      payment_intent: session.payment_intent!,
      receipt_email: session.customer_details?.email ?? null,
      billing_details: { email: session.customer_details?.email ?? null, name: session.customer_details?.name ?? null },
      metadata: {},
      created: session.created,
      livemode: false,
    };
  }

  /** A refund (full by default, or `amount` in minor units; refunds accumulate). */
  refund(sessionId: string, opts: { amount?: number } = {}): StripeEvent<Charge> {
    const { session, payment } = this.#paid(sessionId);
    const remaining = session.amount_total - payment.amountRefunded;
    const amount = opts.amount ?? remaining;
    if (!Number.isInteger(amount) || amount <= 0 || amount > remaining) {
      throw new Error(`fake Stripe: cannot refund ${amount} of session ${sessionId} (${remaining} left to refund)`);
    }
    payment.amountRefunded += amount;
    const refund: Refund = {
      id: randomId('re_'),
      object: 'refund',
      amount,
      currency: session.currency,
      charge: payment.charge,
      payment_intent: session.payment_intent!,
      reason: null,
      status: 'succeeded',
      metadata: {},
      created: this.#seconds(),
    };
    this.refunds.set(refund.id, refund);
    this.#made(refund.id);
    return this.event('charge.refunded', this.#charge(session, payment));
  }

  dispute(sessionId: string): StripeEvent<Dispute> {
    const { session, payment } = this.#paid(sessionId);
    const dispute: Dispute = {
      id: randomId('dp_'),
      object: 'dispute' as const,
      amount: session.amount_total,
      currency: session.currency,
      charge: payment.charge,
      payment_intent: session.payment_intent!,
      reason: 'fraudulent' as const,
      status: 'needs_response' as const,
      is_charge_refundable: false as const,
      metadata: {},
      created: this.#seconds(),
      livemode: false as const,
    };
    this.disputes.set(dispute.id, dispute);
    this.#made(dispute.id);
    return this.event('charge.dispute.created', dispute);
  }

  /** The body and headers Stripe would POST, signed with the SDK's own test helper. */
  signedDelivery(event: StripeEvent, secret: string): { body: string; headers: Record<string, string> } {
    const body = JSON.stringify(event, null, 2); // Stripe pretty-prints webhook bodies
    return {
      body,
      headers: {
        'content-type': 'application/json',
        'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload: body, secret }),
        'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
      },
    };
  }

  /** POSTs the signed event (to `webhookUrl`/`webhookSecret` unless given) and returns the response, unread. */
  async deliver(event: StripeEvent, webhookUrl = this.webhookUrl, secret = this.webhookSecret): Promise<Response> {
    if (!webhookUrl || !secret) throw new Error('fake Stripe: deliver() needs a webhook URL and secret (set fake.webhookUrl and fake.webhookSecret)');
    const { body, headers } = this.signedDelivery(event, secret);
    const delivery: Delivery = { eventId: event.id, type: event.type, url: webhookUrl, status: 0 };
    this.deliveries.push(delivery);
    try {
      const response = await fetch(webhookUrl, { method: 'POST', headers, body, redirect: 'manual' });
      delivery.status = response.status;
      return response;
    } catch (error) {
      delivery.error = error instanceof Error ? error.message : String(error);
      throw error;
    }
  }

  // -------------------------------------------------------------------------------------------
  // The hosted checkout page: GET /pay/:id shows it, POST /pay/:id pays.

  #html(status: number, title: string, body: string, lang = 'en'): Response {
    const page = `<!doctype html>
<html lang="${escapeHtml(lang)}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head>
<body><main>
${body}
</main></body>
</html>`;
    return new Response(page, { status, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' } });
  }

  #formatAmount(session: Session): string {
    const minor = ZERO_DECIMAL.has(session.currency) ? 1 : 100;
    const locale = session.locale && session.locale !== 'auto' ? session.locale : 'en';
    try {
      return new Intl.NumberFormat(locale, { style: 'currency', currency: session.currency.toUpperCase() }).format(session.amount_total / minor);
    } catch {
      return `${(session.amount_total / minor).toFixed(minor === 1 ? 0 : 2)} ${session.currency.toUpperCase()}`;
    }
  }

  async #checkoutPage(request: Request, url: URL): Promise<Response> {
    const id = decodeURIComponent(url.pathname.slice('/pay/'.length));
    const session = this.sessions.get(id);
    if (!session) return this.#html(404, 'Fake Stripe Checkout', '<h1>Fake Stripe Checkout</h1>\n<p>No such checkout session.</p>');
    const lang = session.locale && session.locale !== 'auto' ? session.locale : 'en';
    if (session.status !== 'open') {
      return this.#html(410, 'Fake Stripe Checkout', `<h1>Fake Stripe Checkout</h1>\n<p>This checkout session is ${escapeHtml(session.status)}.</p>`, lang);
    }
    if (request.method === 'POST') {
      const form = new URLSearchParams(await request.text());
      const email = form.get('email')?.trim() || undefined;
      const event = this.complete(id, { email });
      if (this.webhookUrl) {
        try {
          const response = await this.deliver(event);
          await response.arrayBuffer();
          if (!response.ok) console.warn(`fake Stripe: webhook ${event.type} to ${this.webhookUrl} answered ${response.status}`);
        } catch (error) {
          console.warn(`fake Stripe: webhook ${event.type} to ${this.webhookUrl} failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      return new Response(null, { status: 303, headers: { location: session.success_url.replaceAll('{CHECKOUT_SESSION_ID}', id) } });
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') return new Response('Method not allowed', { status: 405, headers: { allow: 'GET, POST' } });
    const items = this.lineItems.get(id) ?? [];
    const products = items.map((item) => this.products.get(item.price.product));
    const amount = this.#formatAmount(session);
    const body = [
      '<h1>Fake Stripe Checkout</h1>',
      ...items.map((item, i) => {
        const description = products[i]?.description;
        return `<p class="product">${escapeHtml(item.description)}${item.quantity > 1 ? ` × ${item.quantity}` : ''}</p>${description ? `\n<p class="description">${escapeHtml(description)}</p>` : ''}`;
      }),
      `<p class="amount">${escapeHtml(amount)}</p>`,
      `<form method="post" action="/pay/${encodeURIComponent(id)}">`,
      `<label for="email">Email</label>`,
      `<input id="email" name="email" type="email" autocomplete="email" required value="${escapeHtml(session.customer_email ?? '')}">`,
      `<button type="submit">Pay</button>`,
      `</form>`,
      session.cancel_url ? `<p><a href="${escapeHtml(session.cancel_url)}">Cancel</a></p>` : '',
    ].join('\n');
    return this.#html(200, 'Fake Stripe Checkout', body, lang);
  }
}

/** msw handlers for the in-process SDK (`new Stripe(key)` talks to api.stripe.com), plus the checkout page on CHECKOUT_ORIGIN. */
export function stripeHandlers(fake: FakeStripe, origin = STRIPE_ORIGIN) {
  return [
    mswHttp.all(`${origin}/v1/*`, ({ request }) => fake.handle(request)),
    mswHttp.all(`${CHECKOUT_ORIGIN}/pay/*`, ({ request }) => fake.handle(request)),
  ];
}

/**
 * The same fake on a real port (for child processes and browser tests): the API under /v1/ for
 * `new Stripe(key, { host: '127.0.0.1', port, protocol: 'http' })`, and the hosted checkout page
 * under /pay/:id, which session URLs point at. Paying there delivers the signed
 * checkout.session.completed to fake.webhookUrl (settable later) before redirecting.
 */
export async function serveFakeStripe(
  fake: FakeStripe,
  opts: { webhookUrl?: string; webhookSecret?: string } = {},
): Promise<{ url: string; port: number; close(): Promise<void> }> {
  if (opts.webhookUrl !== undefined) fake.webhookUrl = opts.webhookUrl;
  if (opts.webhookSecret !== undefined) fake.webhookSecret = opts.webhookSecret;
  let origin = '';
  const server = http.createServer(async (req, res) => {
    try {
      if (req.url === '/favicon.ico') {
        res.writeHead(204).end();
        return;
      }
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (Array.isArray(value)) for (const v of value) headers.append(name, v);
        else if (value !== undefined) headers.set(name, value);
      }
      const request = new Request(`${origin}${req.url}`, {
        method: req.method,
        headers,
        body: req.method === 'GET' || req.method === 'HEAD' ? undefined : Buffer.concat(chunks),
      });
      const response = await fake.handle(request);
      res.writeHead(response.status, Object.fromEntries(response.headers.entries()));
      res.end(Buffer.from(await response.arrayBuffer()));
    } catch (error) {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { type: 'api_error', message: `fake Stripe crashed: ${error instanceof Error ? error.message : String(error)}` } }));
    }
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  fake.checkoutOrigin = origin;
  return {
    url: origin,
    port,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
