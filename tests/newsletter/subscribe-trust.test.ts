import { eq, sql } from 'drizzle-orm';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { requestSignIn } from '../../src/lib/auth/login.server.ts';
import { resetClock, setNow } from '../../src/lib/core/clock.ts';
import { getDb } from '../../src/lib/core/db/client.server.ts';
import { subscribers } from '../../src/lib/core/db/schema.ts';
import { consentVersion } from '../../src/lib/newsletter/consent.ts';
import { subscribeMessage } from '../../src/lib/newsletter/messages.ts';
import { confirmSubscription, inspectConfirmToken, sendDueConfirmations, subscribe } from '../../src/lib/newsletter/subscribe.server.ts';
import { t } from '../../src/i18n/text.ts';
import { FakeResend, resendHandlers } from '../mocks/fake-resend.ts';
import { useTempDatabase } from '../helpers/db.ts';

// Issue 9: a failed confirmation is not lost (3), a stranger cannot rewrite a consent record (8),
// and nobody can mail-bomb an address through the forms (9). The official Resend SDK talks to the
// fake over msw; the database is a real SQLite file.

let fake = new FakeResend();
const server = setupServer(...resendHandlers({ handle: (r: Request) => fake.handle(r) } as FakeResend));
beforeAll(() => server.listen({ onUnhandledFrame: 'error' } as never));
afterAll(() => server.close());

const T0 = Date.parse('2026-11-25T10:00:00Z');
let ip = 0;
const nextIp = () => `198.51.100.${(++ip % 250) + 1}`;
const sub = (email: string, lang = 'en', source = '/notes/205-three-steps/') => subscribe({ email, lang, source, ip: nextIp() });
const row = (email: string) => getDb().query.subscribers.findFirst({ where: eq(subscribers.email, email) });
const mailTo = (email: string) => fake.emails.filter((m) => m.to.includes(email));
const confirmToken = (mail: { text?: string }) => /\/subscribe\/confirm\?token=([A-Za-z0-9_.-]+)/.exec(mail.text!)![1]!;

beforeEach(async () => {
  fake = new FakeResend();
  await useTempDatabase({ RESEND_API_KEY: 're_test_key', EMAIL_FROM: 'Notes <notes@example.com>' });
  setNow(T0);
  return () => resetClock();
});

describe('a confirmation Resend did not take is not lost (item 3)', () => {
  it('gives the turn back, so asking again sends it at once', async () => {
    fake.failNext(1, { status: 500 });
    expect(await sub('ada@example.com')).toEqual({ ok: true, lang: 'en' });
    expect(mailTo('ada@example.com')).toHaveLength(0);
    // Before the fix the 10-minute claim made this "check your inbox" while nothing was sent.
    expect(await sub('ada@example.com')).toEqual({ ok: true, lang: 'en' });
    expect(mailTo('ada@example.com')).toHaveLength(1);
    // The first request, due again, finds the address just mailed and sends nothing more.
    setNow(T0 + 2 * 60_000);
    await sendDueConfirmations();
    expect(mailTo('ada@example.com')).toHaveLength(1);
  });

  it('is retried by the scheduler with back-off, and the link it sends works', async () => {
    fake.failNext(2, { status: 503 });
    await sub('bob@example.com', 'it');
    expect(mailTo('bob@example.com')).toHaveLength(0);
    // Not due yet: nothing is tried.
    await sendDueConfirmations();
    expect(fake.requests).toHaveLength(1);
    setNow(T0 + 61_000);
    await sendDueConfirmations(); // second failure
    expect(mailTo('bob@example.com')).toHaveLength(0);
    setNow(T0 + 61_000 + 5 * 60_000 + 1000);
    await sendDueConfirmations();
    const mails = mailTo('bob@example.com');
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toContain('Conferma');
    expect(await confirmSubscription(confirmToken(mails[0]!), '203.0.113.1')).toMatchObject({ ok: true, alreadyConfirmed: false, lang: 'it' });
    expect(await row('bob@example.com')).toMatchObject({ status: 'active', lang: 'it' });
  });

  it('answers 503 "try again" (never an empty 500) when the request cannot be recorded', async () => {
    await getDb().run(sql`DROP TABLE subscribe_requests`);
    const outcome = await sub('cy@example.com');
    expect(outcome).toMatchObject({ ok: false, status: 503 });
    expect(subscribeMessage('en', outcome)).toBe(t('en', 'subscribe.tryAgain'));
    expect(subscribeMessage('it', outcome)).toBe(t('it', 'subscribe.tryAgain'));
    expect(await row('cy@example.com')).toBeUndefined();
  });
});

describe('nothing about a known address changes until its link is confirmed (item 8)', () => {
  const known = { source: '/it/', consentVersion: 'it-original', consentAt: T0 - 86_400_000, createdAt: 1, updatedAt: 1 };

  it('leaves an unsubscribed reader as they were; confirming applies what that link asked for', async () => {
    await getDb().insert(subscribers).values({ email: 'gone@example.com', lang: 'it', status: 'unsubscribed', unsubscribedAt: T0 - 1000, ...known });
    setNow(T0 + 1000);
    await sub('gone@example.com', 'en', '/attacker/');
    expect(await row('gone@example.com')).toMatchObject({ status: 'unsubscribed', lang: 'it', ...known });
    const [mail] = mailTo('gone@example.com');
    expect(mail!.subject).not.toContain('Conferma');
    // Looking at the link changes nothing either.
    expect(await inspectConfirmToken(confirmToken(mail!))).toMatchObject({ ok: true, lang: 'en' });
    expect(await row('gone@example.com')).toMatchObject({ lang: 'it', ...known });
    setNow(T0 + 60_000);
    await confirmSubscription(confirmToken(mail!), '203.0.113.1');
    expect(await row('gone@example.com')).toMatchObject({ status: 'active', lang: 'en', source: '/attacker/', consentVersion: consentVersion('en'), consentAt: T0 + 1000 });
  });

  it('leaves an active subscriber untouched and unmailed', async () => {
    await getDb().insert(subscribers).values({ email: 'active@example.com', lang: 'it', status: 'active', confirmedAt: 5, ...known });
    await sub('active@example.com', 'en', '/attacker/');
    expect(await row('active@example.com')).toMatchObject({ status: 'active', lang: 'it', confirmedAt: 5, ...known });
    expect(mailTo('active@example.com')).toHaveLength(0);
  });

  it('keeps a pending reader what they first asked for, unless they confirm a later link', async () => {
    await sub('pen@example.com', 'it', '/it/');
    setNow(T0 + 10 * 60_000);
    await sub('pen@example.com', 'en', '/attacker/');
    expect(await row('pen@example.com')).toMatchObject({ status: 'pending', lang: 'it', source: '/it/', consentAt: T0 });
    const [first, second] = mailTo('pen@example.com');
    expect(second).toBeDefined();
    await confirmSubscription(confirmToken(first!), '203.0.113.1');
    expect(await row('pen@example.com')).toMatchObject({ status: 'active', lang: 'it', source: '/it/', consentAt: T0, consentVersion: consentVersion('it') });
  });
});

describe('no mail bombing through the forms (item 9)', () => {
  it('sends one address at most 4 confirmations a day, with growing gaps, whatever the IPs', async () => {
    const answers = new Set<string>();
    // Every 10 minutes for a day, from a new IP each time (the per-IP limit never bites).
    for (let i = 0; i < 144; i++) {
      setNow(T0 + i * 10 * 60_000);
      answers.add(JSON.stringify(await sub('victim@example.com')));
    }
    expect([...answers]).toEqual([JSON.stringify({ ok: true, lang: 'en' })]);
    const sends = fake.requests.filter((r) => r.status === 200);
    expect(mailTo('victim@example.com')).toHaveLength(4);
    expect(sends).toHaveLength(4);
    // The next day it starts again, still capped.
    for (let i = 144; i < 288; i++) {
      setNow(T0 + i * 10 * 60_000);
      await sub('victim@example.com');
    }
    expect(mailTo('victim@example.com').length).toBeLessThanOrEqual(8);
  });

  it('gives the confirmations their gaps: now, +10 min, +1 h, +4 h', async () => {
    const at = (minutes: number) => {
      setNow(T0 + minutes * 60_000);
      return sub('gaps@example.com');
    };
    const count = () => mailTo('gaps@example.com').length;
    await at(0);
    await at(9);
    expect(count()).toBe(1);
    await at(10);
    expect(count()).toBe(2);
    await at(69);
    expect(count()).toBe(2);
    await at(70);
    expect(count()).toBe(3);
    await at(70 + 239);
    expect(count()).toBe(3);
    await at(70 + 240);
    expect(count()).toBe(4);
    await at(70 + 240 + 600);
    expect(count()).toBe(4);
  });

  it('sends a buyer at most 8 sign-in links a day, 3 in the first 2 minutes, with the same answer', async () => {
    const maySignIn = async () => true;
    const ask = (minutes: number) => {
      setNow(T0 + minutes * 60_000);
      return requestSignIn({ email: 'buyer@example.com', lang: 'en', ip: nextIp(), maySignIn });
    };
    const answers = [];
    for (const m of [0, 0.5, 1.5, 2]) answers.push(await ask(m));
    expect(mailTo('buyer@example.com')).toHaveLength(3);
    for (let m = 3; m < 24 * 60; m += 1) answers.push(await ask(m));
    expect(answers.every((a) => a.ok)).toBe(true);
    expect(mailTo('buyer@example.com')).toHaveLength(8);
  });

  it('gives a sign-in turn back when the send fails', async () => {
    const maySignIn = async () => true;
    fake.failNext(1, { status: 500 });
    await requestSignIn({ email: 'buyer@example.com', lang: 'en', ip: nextIp(), maySignIn });
    expect(mailTo('buyer@example.com')).toHaveLength(0);
    await requestSignIn({ email: 'buyer@example.com', lang: 'en', ip: nextIp(), maySignIn });
    expect(mailTo('buyer@example.com')).toHaveLength(1);
  });

  it('keeps no address in the table that counts the sends', async () => {
    await sub('secret.person@example.com');
    const rows = await getDb().all(sql`SELECT * FROM address_sends`);
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain('secret.person');
  });
});
