import { setupServer } from 'msw/node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resetClock, setNow } from '../../src/lib/core/clock.ts';
import { getDb } from '../../src/lib/core/db/client.server.ts';
import { subscribers } from '../../src/lib/core/db/schema.ts';
import { getEnv } from '../../src/lib/core/env.server.ts';
import { deliver } from '../../src/lib/newsletter/delivery/deliver.server.ts';
import { FakeResend, resendHandlers } from '../mocks/fake-resend.ts';
import { useTempDatabase } from '../helpers/db.ts';

// The newsletter of Note 205, whose body ends with <Offer>, <Testimonial> and a line <Offer>: each
// subscriber's copy carries the price, the deadline and the sales link in its language, as they
// stand when the send renders. (The markup rules every email follows: src/lib/email/mail-clients.test.ts.)

let fake = new FakeResend();
const server = setupServer(...resendHandlers({ handle: (r: Request) => fake.handle(r) } as FakeResend));
beforeAll(() => server.listen({ onUnhandledFrame: 'error' } as never));
afterAll(() => server.close());

const noSleep = async () => {};

async function subscribe(email: string, lang: string) {
  await getDb().insert(subscribers).values({ email, lang, status: 'active', source: 'test', consentVersion: 'v', consentAt: 1, createdAt: 1, updatedAt: 1 });
}

async function newsletterOf205(lang: 'en' | 'it', at: string) {
  setNow(Date.parse(at));
  await subscribe(`${lang}@example.com`, lang);
  const result = await deliver({ noteNumber: 205, lang, noteLang: lang, fallback: false }, { sleep: noSleep, requestsPerSecond: 1000 });
  expect(result).toMatchObject({ state: 'done', sent: 1 });
  const mail = fake.emails.find((e) => e.to.includes(`${lang}@example.com`))!;
  return { html: mail.html!, text: mail.text! };
}

const unescape = (s: string) => s.replace(/&quot;/g, '"').replace(/&#x27;|&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

beforeEach(async () => {
  fake = new FakeResend();
  await useTempDatabase({ RESEND_API_KEY: 're_test_key', EMAIL_FROM: 'Giulia <notes@example.com>' });
  return () => resetClock();
});

describe('an <Offer> in the newsletter', () => {
  it('carries the title, price, deadline and the English sales page to an English subscriber', async () => {
    const { html, text } = await newsletterOf205('en', '2026-11-30T06:00:00Z');
    const site = getEnv().SITE_URL;
    const page = unescape(html);
    expect(page).toContain('OKRs that survive March: the workshop recording');
    expect(page).toContain('€97.00');
    expect(page).toContain('You have until 6 p.m. on Friday, March 26, 2027 to access the recording.');
    // The author's call to action, as a button to the absolute sales page.
    expect(html).toMatch(new RegExp(`<td align="center" bgcolor="#a4341b"[^>]*>\\s*<a href="${site}/workshops/okr-workshop-2027-03/"[^>]*>Yes, I want to make OKRs work</a>`));
    expect(page).toContain('We rewrote our objectives the same afternoon');
    expect(page).toContain('Marta Colombo, Head of Operations');
    expect(html).toMatch(new RegExp(`<a href="${site}/certification/okr-coach/"[^>]*>Become an OKR Qualified Coach(<!-- -->)? →</a>`));
    expect(text).toContain('You have until 6 p.m. on Friday, March 26, 2027 to access the recording.');
    expect(text).toContain(`${site}/workshops/okr-workshop-2027-03/`);
    // No JSX left over for a mail client to show.
    expect(page).not.toMatch(/<Offer|<Testimonial/);
  });

  it('is in Italian, with the Italian sales page, for an Italian subscriber', async () => {
    const { html, text } = await newsletterOf205('it', '2026-11-30T06:00:00Z');
    const site = getEnv().SITE_URL;
    const page = unescape(html);
    expect(page).toContain('OKR che sopravvivono a marzo: la registrazione del workshop');
    expect(page).toContain('97,00\u00a0€');
    expect(page).toContain('Hai tempo fino alle 18:00 di venerdì 26 marzo 2027 per accedere alla registrazione.');
    expect(html).toMatch(new RegExp(`<a href="${site}/it/workshops/okr-workshop-2027-03/"[^>]*>Sì, voglio far funzionare gli OKR</a>`));
    expect(page).toContain('Marta Colombo, Responsabile operazioni');
    expect(html).toContain(`${site}/it/certification/okr-coach/`);
    expect(text).toContain('Hai tempo fino alle 18:00 di venerdì 26 marzo 2027');
  });

  it('says what stands when the send renders: after the deadline, the next product', async () => {
    const { html } = await newsletterOf205('en', '2027-03-29T06:00:00Z');
    const site = getEnv().SITE_URL;
    const page = unescape(html);
    expect(page).toContain('“OKRs that survive March: the workshop recording” is no longer on sale. What comes next:');
    expect(page).toContain('OKR Coach Certification');
    expect(page).toContain('Autumn 2027 cohort · Starts at 9 a.m. on Monday, September 20 (Italy Time)');
    expect(page).not.toContain('You have until 6 p.m. on Friday, March 26');
    expect(page).not.toContain('Yes, I want to make OKRs work');
    expect(html).toMatch(new RegExp(`<a href="${site}/certification/okr-coach/"[^>]*>Book your seat</a>`));
  });
});
