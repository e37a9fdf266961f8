import { eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { resetClock, setNow } from '../../src/lib/core/clock.ts';
import { getDb } from '../../src/lib/core/db/client.server.ts';
import { consentTexts, subscribers } from '../../src/lib/core/db/schema.ts';
import { consentVersion, consentWording } from '../../src/lib/newsletter/consent.ts';
import { readOutbox } from '../../src/lib/email/outbox.server.ts';
import { readConfirmToken } from '../../src/lib/newsletter/links.server.ts';
import { confirmSubscription, inspectConfirmToken, subscribe, unsubscribe } from '../../src/lib/newsletter/subscribe.server.ts';
import { useTempDatabase } from '../helpers/db.ts';

const T0 = Date.parse('2026-11-25T10:00:00Z');
let ip = 0;
const sub = (email: unknown, lang: unknown = 'en', extra: Record<string, unknown> = {}) => subscribe({ email, lang, source: '/notes/205-three-steps/', ip: `198.51.100.${++ip % 250}`, ...extra });
const row = (email: string) => getDb().query.subscribers.findFirst({ where: eq(subscribers.email, email) });
const mailTo = (email: string) => readOutbox(1000).filter((m) => m.to === email);
const linkIn = (text: string, path: string) => new URL(new RegExp(`https?://[^\\s"<>]+${path}\\?token=[A-Za-z0-9_.-]+`).exec(text)![0]).searchParams.get('token')!;

beforeEach(async () => {
  await useTempDatabase();
  setNow(T0);
  return () => resetClock();
});

describe('double opt-in', () => {
  it('stores a pending subscriber with its consent and mails a signed confirmation link', async () => {
    expect(await sub('Ada@Example.com', 'it')).toEqual({ ok: true, lang: 'it' });
    const r = await row('ada@example.com');
    expect(r).toMatchObject({ status: 'pending', lang: 'it', source: '/notes/205-three-steps/', consentAt: T0, confirmedAt: null });
    // The consent names the exact Italian words beside the button, kept by version.
    expect(r!.consentVersion).toBe(consentVersion('it'));
    const wording = await getDb().query.consentTexts.findFirst({ where: eq(consentTexts.version, r!.consentVersion) });
    expect(wording).toMatchObject({ lang: 'it', text: consentWording('it') });
    const [mail] = mailTo('ada@example.com');
    expect(mail!.subject).toContain('Conferma');
    expect(mail!.headers['list-unsubscribe']).toMatch(/^<http:\/\/.+\/unsubscribe\?token=.+>$/);
    expect(mail!.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    expect(readConfirmToken(linkIn(mail!.html, '/subscribe/confirm'))).toMatchObject({ email: 'ada@example.com' });
  });

  it('confirms only by POST, once, and then sends the welcome email', async () => {
    await sub('ada@example.com');
    const token = linkIn(mailTo('ada@example.com')[0]!.text, '/subscribe/confirm');
    // Looking at the link (what a mail scanner does) changes nothing.
    expect(await inspectConfirmToken(token)).toMatchObject({ ok: true, status: 'pending' });
    expect((await row('ada@example.com'))!.status).toBe('pending');
    setNow(T0 + 60_000);
    expect(await confirmSubscription(token, '203.0.113.1')).toMatchObject({ ok: true, alreadyConfirmed: false });
    expect(await row('ada@example.com')).toMatchObject({ status: 'active', confirmedAt: T0 + 60_000 });
    expect(await confirmSubscription(token, '203.0.113.1')).toMatchObject({ ok: true, alreadyConfirmed: true });
    const welcomes = mailTo('ada@example.com').filter((m) => m.subject.startsWith('Welcome'));
    expect(welcomes).toHaveLength(1);
    expect(welcomes[0]!.headers['list-unsubscribe']).toBeTruthy();
    expect(welcomes[0]!.html).toContain('/unsubscribe?token=');
  });

  it('expires confirmation links after 7 days', async () => {
    await sub('ada@example.com');
    const token = linkIn(mailTo('ada@example.com')[0]!.text, '/subscribe/confirm');
    setNow(T0 + 8 * 86_400_000);
    expect(await confirmSubscription(token, '203.0.113.1')).toEqual({ ok: false, reason: 'expired' });
    expect((await row('ada@example.com'))!.status).toBe('pending');
  });
});

describe('no enumeration, and the right thing behind the neutral answer', () => {
  it('answers the same for new, pending, active, unsubscribed and suppressed addresses', async () => {
    await getDb().insert(subscribers).values([
      { email: 'active@example.com', lang: 'en', status: 'active', source: 'x', consentVersion: 'v', consentAt: 1, createdAt: 1, updatedAt: 1 },
      { email: 'gone@example.com', lang: 'en', status: 'unsubscribed', source: 'x', consentVersion: 'v', consentAt: 1, unsubscribedAt: T0 - 1000, createdAt: 1, updatedAt: 1 },
      { email: 'bounced@example.com', lang: 'en', status: 'bounced', source: 'x', consentVersion: 'v', consentAt: 1, createdAt: 1, updatedAt: 1 },
    ]);
    const answers = await Promise.all(['new@example.com', 'active@example.com', 'gone@example.com', 'bounced@example.com'].map((e) => sub(e)));
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(mailTo('active@example.com')).toHaveLength(0);
    expect(mailTo('bounced@example.com')).toHaveLength(0);
    // An address that unsubscribed and asks again gets a fresh confirmation, and stays out until it confirms.
    expect(mailTo('gone@example.com')).toHaveLength(1);
    expect((await row('gone@example.com'))!.status).toBe('unsubscribed');
  });

  it('resends the confirmation at most once per 10 minutes per address', async () => {
    await sub('ada@example.com');
    await sub('ada@example.com');
    setNow(T0 + 9 * 60_000);
    await sub('ADA@example.com');
    expect(mailTo('ada@example.com')).toHaveLength(1);
    setNow(T0 + 10 * 60_000);
    await sub('ada@example.com');
    expect(mailTo('ada@example.com')).toHaveLength(2);
  });

  it('limits one network to 20 attempts per 10 minutes', async () => {
    const results = [];
    for (let i = 0; i < 21; i++) results.push(await sub(`r${i}@example.com`, 'en', { ip: '192.0.2.9' }));
    expect(results.slice(0, 20).every((r) => r.ok)).toBe(true);
    expect(results[20]).toMatchObject({ ok: false, status: 429 });
    expect(await row('r20@example.com')).toBeUndefined();
  });
});

describe('bad input: a clear message, nothing stored', () => {
  it.each([
    ['', 'en', 'email'],
    ['no-at-sign', 'en', 'email'],
    [`${'x'.repeat(250)}@example.com`, 'en', 'email'],
    ['ada@example.com\r\nBcc: victim@example.com', 'en', 'email'],
    [undefined, 'en', 'email'],
    ['ada@example.com', 'fr', 'lang'],
    ['ada@example.com', ['en'], 'lang'],
  ])('refuses %j / %j', async (email, lang, field) => {
    const r = await sub(email, lang);
    expect(r).toMatchObject({ ok: false, status: 400, field });
    expect(await getDb().select().from(subscribers)).toEqual([]);
    expect(readOutbox()).toEqual([]);
  });
});

describe('unsubscribe and token forgery', () => {
  async function activeSubscriber(email: string) {
    await sub(email);
    const token = linkIn(mailTo(email)[0]!.text, '/subscribe/confirm');
    await confirmSubscription(token, '203.0.113.1');
    const welcome = mailTo(email).find((m) => m.subject.startsWith('Welcome'))!;
    return { confirmToken: token, unsubToken: linkIn(welcome.text, '/unsubscribe') };
  }

  it('unsubscribes in one step with the signed link, idempotently', async () => {
    const { unsubToken } = await activeSubscriber('ada@example.com');
    expect(await unsubscribe(unsubToken)).toMatchObject({ ok: true, changed: true });
    expect(await row('ada@example.com')).toMatchObject({ status: 'unsubscribed', unsubscribedAt: T0 });
    expect(await unsubscribe(unsubToken)).toMatchObject({ ok: true, changed: false });
  });

  it('does not let an old confirmation link sign an unsubscribed reader up again', async () => {
    const { confirmToken, unsubToken } = await activeSubscriber('ada@example.com');
    setNow(T0 + 1000);
    await unsubscribe(unsubToken);
    expect(await confirmSubscription(confirmToken, '203.0.113.1')).toEqual({ ok: false, reason: 'expired' });
    expect((await row('ada@example.com'))!.status).toBe('unsubscribed');
  });

  it('refuses forged, edited and swapped tokens', async () => {
    const a = await activeSubscriber('ada@example.com');
    await activeSubscriber('bob@example.com');
    const [payload, sig] = a.unsubToken.split('.').slice(-2);
    const bob = await row('bob@example.com');
    const edited = `${Buffer.from(JSON.stringify({ s: bob!.id, e: 'bob@example.com' })).toString('base64url')}.${sig}`;
    expect(await unsubscribe(edited)).toEqual({ ok: false });
    expect(await unsubscribe(`${payload}.${'A'.repeat(43)}`)).toEqual({ ok: false });
    // A confirmation token is not an unsubscribe token, and vice versa.
    expect(await unsubscribe(a.confirmToken)).toEqual({ ok: false });
    expect(await confirmSubscription(a.unsubToken, '203.0.113.1')).toEqual({ ok: false, reason: 'invalid' });
    expect((await row('bob@example.com'))!.status).toBe('active');
    expect((await row('ada@example.com'))!.status).toBe('active');
  });
});
