import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startSite, type RunningSite } from '../helpers/site.ts';

// `npm start` with the embedded defaults: no Stripe keys, so the shop says payments are not
// configured and the checkout refuses with that reason, charging nothing.

let server: RunningSite;
beforeAll(async () => {
  server = await startSite(inject('sampleOutDir'));
  await server.setClock('2026-12-01T10:00:00Z');
});
afterAll(() => server?.stop());

describe('without STRIPE_SECRET_KEY', () => {
  it.each([
    ['/workshops/okr-workshop-2027-03/', 'Payments are not configured on this site yet'],
    ['/it/certification/okr-coach/', 'I pagamenti non sono ancora configurati su questo sito'],
  ])('%s shows the products and says payments are off', async (path, message) => {
    const res = await fetch(server.url + path);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(message);
    expect(html).not.toContain('action="/checkout/');
  });

  it('POST /checkout/<id> answers 409 with the reason', async () => {
    const res = await fetch(`${server.url}/checkout/okr-workshop-2027-03`, {
      method: 'POST',
      headers: { origin: server.url, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: 'lang=en',
    });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ error: 'payments_off' });
    const page = await fetch(`${server.url}/checkout/okr-workshop-2027-03`, { method: 'POST', headers: { origin: server.url, 'content-type': 'application/x-www-form-urlencoded' }, body: 'lang=it' });
    expect(page.status).toBe(409);
    expect(await page.text()).toContain('I pagamenti non sono ancora configurati');
  });

  it('the Stripe webhook refuses everything', async () => {
    const res = await fetch(`${server.url}/webhooks/stripe`, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=x' }, body: '{}' });
    expect(res.status).toBe(400);
  });
});
