import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setupServer } from 'msw/node';
import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CHECKOUT_ORIGIN, FAKE_API_VERSION, FakeStripe, parseStripeForm, parseStripeParams, serveFakeStripe, stripeHandlers } from './fake-stripe.ts';

// The fake is only worth having if the official SDK cannot tell it from Stripe: these tests
// drive it with the real SDK, in-process through msw and over a real port.

const SECRET = 'whsec_test_secret';

function sessionParams(overrides: Record<string, unknown> = {}) {
  return {
    mode: 'payment' as const,
    line_items: [{ quantity: 1, price_data: { currency: 'eur', unit_amount: 4900, product_data: { name: 'Focus workshop', description: 'Four evenings' } } }],
    metadata: { drumbeat_product: 'focus', drumbeat_cohort: '2', drumbeat_lang: 'en', drumbeat_purchase: 'pur_1' },
    payment_intent_data: { metadata: { drumbeat_purchase: 'pur_1' } },
    customer_email: 'reader@example.com',
    allow_promotion_codes: true,
    tax_id_collection: { enabled: true },
    invoice_creation: { enabled: true },
    billing_address_collection: 'required' as const,
    locale: 'en' as const,
    expires_at: Math.floor(Date.now() / 1000) + 3600,
    success_url: 'https://drumbeat.test/checkout/success?session_id={CHECKOUT_SESSION_ID}',
    cancel_url: 'https://drumbeat.test/workshops/focus/',
    ...overrides,
  } as Parameters<Stripe['checkout']['sessions']['create']>[0];
}

async function stripeError(promise: Promise<unknown>): Promise<{ type: string; statusCode?: number; code?: string; param?: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { type: string; statusCode?: number; code?: string; param?: string; message: string };
  }
  throw new Error('expected the Stripe call to fail');
}

describe('the form parser', () => {
  it('rebuilds nested objects and arrays from bracket notation, converting known numbers and booleans', () => {
    const raw = 'mode=payment&line_items[0][quantity]=1&line_items[0][price_data][currency]=eur&line_items[0][price_data][unit_amount]=4900'
      + '&line_items[0][price_data][product_data][name]=Focus%20workshop&line_items[1][price]=price_123&line_items[1][quantity]=2'
      + '&metadata[quantity]=7&metadata[enabled]=true&tax_id_collection[enabled]=true&allow_promotion_codes=false&expires_at=1790000000'
      + '&expand[]=line_items&__proto__[polluted]=1&success_url=https%3A%2F%2Fx.test%2F%3Fsession_id%3D%7BCHECKOUT_SESSION_ID%7D';
    expect(parseStripeForm(raw).line_items).toEqual([
      { quantity: '1', price_data: { currency: 'eur', unit_amount: '4900', product_data: { name: 'Focus workshop' } } },
      { price: 'price_123', quantity: '2' },
    ]);
    expect(parseStripeParams(raw)).toEqual({
      mode: 'payment',
      line_items: [
        { quantity: 1, price_data: { currency: 'eur', unit_amount: 4900, product_data: { name: 'Focus workshop' } } },
        { price: 'price_123', quantity: 2 },
      ],
      metadata: { quantity: '7', enabled: 'true' },
      tax_id_collection: { enabled: true },
      allow_promotion_codes: false,
      expires_at: 1790000000,
      expand: ['line_items'],
      success_url: 'https://x.test/?session_id={CHECKOUT_SESSION_ID}',
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('the fake through msw, with the in-process SDK', () => {
  let fake = new FakeStripe();
  const server = setupServer(...stripeHandlers({ handle: (r: Request) => fake.handle(r) } as FakeStripe));
  beforeAll(() => server.listen({ onUnhandledFrame: 'error' } as never));
  afterAll(() => server.close());
  beforeEach(() => {
    fake = new FakeStripe();
  });
  const stripe = new Stripe('sk_test_123');

  it('creates a Checkout Session from the SDK form body and records the request', async () => {
    const session = await stripe.checkout.sessions.create(sessionParams(), { idempotencyKey: 'purchase-pur_1' });
    expect(session).toMatchObject({
      object: 'checkout.session',
      status: 'open',
      payment_status: 'unpaid',
      mode: 'payment',
      amount_total: 4900,
      amount_subtotal: 4900,
      currency: 'eur',
      customer_email: 'reader@example.com',
      customer_details: null,
      payment_intent: null,
      locale: 'en',
      livemode: false,
      metadata: { drumbeat_product: 'focus', drumbeat_cohort: '2', drumbeat_lang: 'en', drumbeat_purchase: 'pur_1' },
      success_url: 'https://drumbeat.test/checkout/success?session_id={CHECKOUT_SESSION_ID}',
      cancel_url: 'https://drumbeat.test/workshops/focus/',
      allow_promotion_codes: true,
      tax_id_collection: { enabled: true },
      invoice_creation: { enabled: true },
      billing_address_collection: 'required',
    });
    expect(session.id).toMatch(/^cs_test_/);
    expect(session.url).toBe(`${CHECKOUT_ORIGIN}/pay/${session.id}`);
    expect(fake.sessions.get(session.id)?.status).toBe('open');
    expect(fake.lineItems.get(session.id)?.[0]).toMatchObject({ description: 'Focus workshop', quantity: 1, amount_total: 4900, price: { unit_amount: 4900, currency: 'eur' } });

    const [request] = fake.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/v1/checkout/sessions', idempotencyKey: 'purchase-pur_1', stripeVersion: FAKE_API_VERSION, status: 200, objectId: session.id, replayed: false });
    expect(request!.body).toMatchObject({
      line_items: [{ quantity: 1, price_data: { currency: 'eur', unit_amount: 4900, product_data: { name: 'Focus workshop', description: 'Four evenings' } } }],
      payment_intent_data: { metadata: { drumbeat_purchase: 'pur_1' } },
      tax_id_collection: { enabled: true },
      allow_promotion_codes: true,
      expires_at: session.expires_at,
    });
    expect(request!.rawBody).toContain('line_items[0][price_data][currency]=eur');

    const again = await stripe.checkout.sessions.retrieve(session.id);
    expect(again).toMatchObject({ id: session.id, status: 'open', amount_total: 4900 });
    const expanded = await stripe.checkout.sessions.retrieve(session.id, { expand: ['line_items'] });
    expect(expanded.line_items?.data[0]).toMatchObject({ description: 'Focus workshop', amount_total: 4900 });
  });

  it('replays an idempotent create and refuses the same key with other parameters', async () => {
    const first = await stripe.checkout.sessions.create(sessionParams(), { idempotencyKey: 'k1' });
    const second = await stripe.checkout.sessions.create(sessionParams({ expires_at: first.expires_at }), { idempotencyKey: 'k1' });
    expect(second.id).toBe(first.id);
    expect(fake.sessions.size).toBe(1);
    expect(fake.requests.map((r) => r.replayed)).toEqual([false, true]);

    const error = await stripeError(stripe.checkout.sessions.create(sessionParams({ customer_email: 'other@example.com', expires_at: first.expires_at }), { idempotencyKey: 'k1' }));
    expect(error).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(error).toMatchObject({ type: 'StripeIdempotencyError', statusCode: 400 });
    expect(fake.sessions.size).toBe(1);
    // Without an explicit key the SDK still sends one of its own on every POST.
    await stripe.checkout.sessions.create(sessionParams());
    expect(fake.requests.at(-1)!.idempotencyKey).toMatch(/^stripe-node-retry-/);
  });

  it('prices a `price` line item from the price table and answers an unknown price like Stripe', async () => {
    fake.prices.set('price_123', { unit_amount: 9900, currency: 'eur', product_name: 'Deep work cohort' });
    const session = await stripe.checkout.sessions.create(sessionParams({ line_items: [{ price: 'price_123', quantity: 1 }] }));
    expect(session).toMatchObject({ amount_total: 9900, currency: 'eur' });
    expect(fake.lineItems.get(session.id)?.[0]?.description).toBe('Deep work cohort');

    const error = await stripeError(stripe.checkout.sessions.create(sessionParams({ line_items: [{ price: 'price_missing', quantity: 1 }] })));
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error).toMatchObject({ statusCode: 400, code: 'resource_missing', param: 'line_items[0][price]', message: "No such price: 'price_missing'" });
  });

  it('rejects what Stripe would reject', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ mode: 'subscription' }, 'mode'],
      [{ success_url: undefined }, 'success_url'],
      [{ line_items: [] }, 'line_items'],
      [{ line_items: [{ quantity: 1, price_data: { currency: 'eur', product_data: { name: 'x' } } }] }, 'line_items[0][price_data][unit_amount]'],
      [{ expires_at: Math.floor(Date.now() / 1000) + 60 }, 'expires_at'],
      [{ expires_at: Date.now() + 3_600_000 }, 'expires_at'], // milliseconds by mistake
      [{ metadata: { drumbeat_purchase: 'x'.repeat(501) } }, 'metadata[drumbeat_purchase]'],
      [{ customer_email: 'not-an-email' }, 'customer_email'],
    ];
    for (const [overrides, param] of cases) {
      const error = await stripeError(stripe.checkout.sessions.create(sessionParams(overrides)));
      expect(error, param).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect(error, param).toMatchObject({ statusCode: 400, param });
    }
    expect(fake.sessions.size).toBe(0);
    expect(fake.requests.every((r) => r.status === 400)).toBe(true);
  });

  it('expires an open session once, and answers unknown sessions and endpoints with 404s', async () => {
    const session = await stripe.checkout.sessions.create(sessionParams());
    const expired = await stripe.checkout.sessions.expire(session.id);
    expect(expired).toMatchObject({ id: session.id, status: 'expired', url: null });
    expect(fake.events.map((e) => e.type)).toEqual(['checkout.session.expired']);
    expect(fake.events[0]!.request.id).toMatch(/^req_/);
    expect(await stripeError(stripe.checkout.sessions.expire(session.id))).toMatchObject({ statusCode: 400 });

    const paid = await stripe.checkout.sessions.create(sessionParams());
    fake.complete(paid.id);
    expect(await stripeError(stripe.checkout.sessions.expire(paid.id))).toMatchObject({ statusCode: 400 });

    const missing = await stripeError(stripe.checkout.sessions.retrieve('cs_test_nope'));
    expect(missing).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(missing).toMatchObject({ statusCode: 404, code: 'resource_missing', message: "No such checkout.session: 'cs_test_nope'" });

    const other = await stripeError(stripe.customers.create({ email: 'x@example.com' }));
    expect(other).toMatchObject({ statusCode: 404 });
    expect(fake.requests.at(-1)).toMatchObject({ method: 'POST', path: '/v1/customers', status: 404, body: { email: 'x@example.com' } });
  });

  it('plays the buyer and the card networks: completion, async payments, refunds, disputes', async () => {
    const a = await stripe.checkout.sessions.create(sessionParams());
    const completed = fake.complete(a.id, { name: 'Ada' });
    expect(completed).toMatchObject({ object: 'event', type: 'checkout.session.completed', api_version: FAKE_API_VERSION, livemode: false, pending_webhooks: 1, request: { id: null, idempotency_key: null } });
    expect(completed.id).toMatch(/^evt_/);
    expect(completed.data.object).toMatchObject({ id: a.id, status: 'complete', payment_status: 'paid', customer_details: { email: 'reader@example.com', name: 'Ada' } });
    expect(completed.data.object.payment_intent).toMatch(/^pi_test_/);
    expect(completed.data.object.customer).toMatch(/^cus_test_/);
    expect(completed.data.object.invoice).toMatch(/^in_test_/);
    expect(await stripe.checkout.sessions.retrieve(a.id)).toMatchObject({ status: 'complete', payment_status: 'paid', payment_intent: completed.data.object.payment_intent });

    const partial = fake.refund(a.id, { amount: 1000 });
    expect(partial.data.object).toMatchObject({ object: 'charge', amount: 4900, amount_refunded: 1000, refunded: false, currency: 'eur', payment_intent: completed.data.object.payment_intent, metadata: {} });
    const rest = fake.refund(a.id);
    expect(rest.data.object).toMatchObject({ id: partial.data.object.id, amount_refunded: 4900, refunded: true });
    const dispute = fake.dispute(a.id);
    expect(dispute).toMatchObject({ type: 'charge.dispute.created', data: { object: { object: 'dispute', charge: partial.data.object.id, amount: 4900, reason: 'fraudulent', status: 'needs_response' } } });

    const b = await stripe.checkout.sessions.create(sessionParams({ customer_email: undefined }));
    const pending = fake.complete(b.id, { async: true });
    expect(pending.data.object).toMatchObject({ status: 'complete', payment_status: 'unpaid', customer_details: { email: 'buyer@example.com' } });
    expect(() => fake.refund(b.id)).toThrow(/no successful payment/);
    expect(fake.asyncSucceeded(b.id)).toMatchObject({ type: 'checkout.session.async_payment_succeeded', data: { object: { payment_status: 'paid' } } });

    const c = await stripe.checkout.sessions.create(sessionParams());
    fake.complete(c.id, { async: true, email: 'sepa@example.com' });
    expect(fake.asyncFailed(c.id)).toMatchObject({ type: 'checkout.session.async_payment_failed', data: { object: { payment_status: 'unpaid', customer_details: { email: 'sepa@example.com' } } } });

    const d = await stripe.checkout.sessions.create(sessionParams());
    expect(fake.expire(d.id)).toMatchObject({ type: 'checkout.session.expired', data: { object: { status: 'expired' } } });
    // Events carry snapshots: later changes do not rewrite what was sent.
    expect(pending.data.object.payment_status).toBe('unpaid');
    expect(fake.events.map((e) => e.type)).toEqual([
      'checkout.session.completed', 'charge.refunded', 'charge.refunded', 'charge.dispute.created',
      'checkout.session.completed', 'checkout.session.async_payment_succeeded',
      'checkout.session.completed', 'checkout.session.async_payment_failed',
      'checkout.session.expired',
    ]);
  });

  it('signs deliveries so the SDK verifies them, and a tampered body fails', async () => {
    const session = await stripe.checkout.sessions.create(sessionParams());
    const event = fake.complete(session.id);
    const { body, headers } = fake.signedDelivery(event, SECRET);
    expect(headers['content-type']).toBe('application/json');
    const verified = stripe.webhooks.constructEvent(body, headers['stripe-signature']!, SECRET);
    expect(verified).toMatchObject({ id: event.id, type: 'checkout.session.completed', data: { object: { id: session.id } } });
    expect(() => stripe.webhooks.constructEvent(body.replace('"paid"', '"unpaid"'), headers['stripe-signature']!, SECRET)).toThrow(Stripe.errors.StripeSignatureVerificationError);
    expect(() => stripe.webhooks.constructEvent(body, headers['stripe-signature']!, 'whsec_other')).toThrow(Stripe.errors.StripeSignatureVerificationError);
  });

  it('serves the checkout page on the placeholder origin too', async () => {
    const session = await stripe.checkout.sessions.create(sessionParams());
    const page = await fetch(session.url!);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Fake Stripe Checkout');
  });
});

/** A tiny webhook receiver that verifies what it gets with the SDK. */
async function webhookReceiver(secret: string) {
  const stripe = new Stripe('sk_test_123');
  const received: { type: string; verified: boolean; sessionId?: string }[] = [];
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    try {
      const event = stripe.webhooks.constructEvent(body, String(req.headers['stripe-signature']), secret);
      received.push({ type: event.type, verified: true, sessionId: (event.data.object as { id?: string }).id });
      res.writeHead(200).end('ok');
    } catch {
      received.push({ type: 'unverified', verified: false });
      res.writeHead(400).end('bad signature');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/api/stripe/webhook`, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('the fake over a real port', () => {
  const fake = new FakeStripe();
  let served: Awaited<ReturnType<typeof serveFakeStripe>>;
  let receiver: Awaited<ReturnType<typeof webhookReceiver>>;
  let stripe: Stripe;
  beforeAll(async () => {
    served = await serveFakeStripe(fake);
    receiver = await webhookReceiver(SECRET);
    stripe = new Stripe('sk_test_123', { host: '127.0.0.1', port: new URL(served.url).port, protocol: 'http' });
  });
  afterAll(async () => {
    await served?.close();
    await receiver?.close();
  });

  it('creates, retrieves, replays and expires sessions for the SDK', async () => {
    const session = await stripe.checkout.sessions.create(sessionParams(), { idempotencyKey: 'http-1' });
    expect(session.url).toBe(`${served.url}/pay/${session.id}`);
    expect((await stripe.checkout.sessions.create(sessionParams({ expires_at: session.expires_at }), { idempotencyKey: 'http-1' })).id).toBe(session.id);
    expect(await stripe.checkout.sessions.retrieve(session.id)).toMatchObject({ id: session.id, status: 'open' });
    expect(await stripe.checkout.sessions.expire(session.id)).toMatchObject({ status: 'expired' });
    expect(await stripeError(stripe.checkout.sessions.retrieve('cs_test_missing'))).toMatchObject({ statusCode: 404, code: 'resource_missing' });
    expect(fake.requests.map((r) => `${r.method} ${r.path} ${r.status}${r.replayed ? ' replayed' : ''}`)).toEqual([
      'POST /v1/checkout/sessions 200',
      'POST /v1/checkout/sessions 200 replayed',
      `GET /v1/checkout/sessions/${session.id} 200`,
      `POST /v1/checkout/sessions/${session.id}/expire 200`,
      'GET /v1/checkout/sessions/cs_test_missing 404',
    ]);
  });

  it('lets a buyer pay on the hosted page: the signed webhook arrives, then a 303 to the success URL', async () => {
    fake.webhookUrl = receiver.url; // set after the server started, as the app's port comes later
    fake.webhookSecret = SECRET;
    const session = await stripe.checkout.sessions.create(sessionParams());

    const page = await fetch(session.url!);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain('Fake Stripe Checkout');
    expect(html).toContain('Focus workshop');
    expect(html).toContain('€49.00');
    expect(html).toContain('value="reader@example.com"');
    expect(html).toContain(`action="/pay/${session.id}"`);
    expect(html).toContain('href="https://drumbeat.test/workshops/focus/"');
    expect(html).toMatch(/<button[^>]*>Pay<\/button>/);

    const paid = await fetch(session.url!, { method: 'POST', body: new URLSearchParams({ email: 'typed@example.com' }), redirect: 'manual' });
    expect(paid.status).toBe(303);
    expect(paid.headers.get('location')).toBe(`https://drumbeat.test/checkout/success?session_id=${session.id}`);
    expect(receiver.received).toEqual([{ type: 'checkout.session.completed', verified: true, sessionId: session.id }]);
    expect(fake.deliveries).toEqual([expect.objectContaining({ type: 'checkout.session.completed', url: receiver.url, status: 200 })]);
    expect(await stripe.checkout.sessions.retrieve(session.id)).toMatchObject({ status: 'complete', payment_status: 'paid', customer_details: { email: 'typed@example.com' } });

    // The page is gone once paid; a second payment is refused.
    expect((await fetch(`${served.url}/pay/${session.id}`)).status).toBe(410);
    expect((await fetch(`${served.url}/pay/${session.id}`, { method: 'POST', body: new URLSearchParams({ email: 'again@example.com' }), redirect: 'manual' })).status).toBe(410);

    // deliver() on its own: a wrong secret is refused by the receiver.
    const refund = fake.refund(session.id);
    expect((await fake.deliver(refund, receiver.url, 'whsec_wrong')).status).toBe(400);
    expect((await fake.deliver(refund)).status).toBe(200);
    expect(receiver.received.map((r) => r.type)).toEqual(['checkout.session.completed', 'unverified', 'charge.refunded']);
  });
});
