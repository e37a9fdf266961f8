import { eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '../../src/lib/core/db/client.server.ts';
import { sendRecipients, sends, subscribers } from '../../src/lib/core/db/schema.ts';
import { handleResendWebhook } from '../../src/lib/newsletter/resend-webhook.server.ts';
import { useTempDatabase } from '../helpers/db.ts';
import { signResendWebhook } from '../mocks/fake-resend.ts';

const SECRET = `whsec_${Buffer.from('drumbeat-test-webhook-secret-000').toString('base64')}`;
let n = 0;

function signed(payload: unknown, id = `msg_${++n}`, secret = SECRET) {
  const body = JSON.stringify(payload);
  return { body, headers: signResendWebhook(body, secret, id) };
}

const bounce = (to: string, type = 'Permanent') => ({ type: 'email.bounced', created_at: new Date().toISOString(), data: { email_id: 'fake_1', to: [to], bounce: { type, message: 'mailbox does not exist' }, tags: { send: '1' } } });
const statusOf = async (email: string) => (await getDb().query.subscribers.findFirst({ where: eq(subscribers.email, email) }))!.status;
const sendRow = async () => (await getDb().query.sends.findFirst({ where: eq(sends.id, 1) }))!;

beforeEach(async () => {
  await useTempDatabase({ RESEND_WEBHOOK_SECRET: SECRET });
  await getDb().insert(subscribers).values(['ada', 'bob', 'cy'].map((p) => ({ email: `${p}@example.com`, lang: 'en', status: 'active' as const, source: 't', consentVersion: 'v', consentAt: 1, createdAt: 1, updatedAt: 1 })));
  await getDb().insert(sends).values({ noteNumber: 205, lang: 'en', noteLang: 'en', state: 'done', recipients: 3, sent: 3, startedAt: 1 });
});

describe('POST /webhooks/resend', () => {
  it('marks the very email that bounced or was reported in the ledger (the person page shows it); a complaint outranks a bounce', async () => {
    const bob = (await getDb().query.subscribers.findFirst({ where: eq(subscribers.email, 'bob@example.com') }))!;
    await getDb().insert(sendRecipients).values({ sendId: 1, subscriberId: bob.id, email: bob.email, batch: 0, state: 'sent', providerId: 'fake_2', sentAt: 1 });
    const feedback = async () => (await getDb().query.sendRecipients.findFirst({ where: eq(sendRecipients.providerId, 'fake_2') }))!.feedback;
    const complaint = signed({ type: 'email.complained', data: { email_id: 'fake_2', to: ['bob@example.com'] } });
    await handleResendWebhook(complaint.body, complaint.headers);
    expect(await feedback()).toBe('complained');
    const late = signed({ ...bounce('bob@example.com'), data: { ...bounce('bob@example.com').data, email_id: 'fake_2' } });
    await handleResendWebhook(late.body, late.headers);
    expect(await feedback()).toBe('complained');
  });

  it('lets a hard bounce override the author\'s suppression: the stronger one stays', async () => {
    await getDb().update(subscribers).set({ status: 'suppressed', suppressedFrom: 'active' }).where(eq(subscribers.email, 'ada@example.com'));
    const { body, headers } = signed(bounce('ada@example.com'));
    await handleResendWebhook(body, headers);
    expect(await statusOf('ada@example.com')).toBe('bounced');
  });

  it('suppresses a hard bounce at once and counts it against its send', async () => {
    const { body, headers } = signed(bounce('Ada@Example.com'));
    expect(await handleResendWebhook(body, headers)).toMatchObject({ status: 200 });
    expect(await statusOf('ada@example.com')).toBe('bounced');
    expect((await sendRow()).bounced).toBe(1);
  });

  it('ignores soft bounces', async () => {
    const { body, headers } = signed(bounce('ada@example.com', 'Transient'));
    expect(await handleResendWebhook(body, headers)).toMatchObject({ status: 200 });
    expect(await statusOf('ada@example.com')).toBe('active');
  });

  it('suppresses a complaint and keeps the complaint rate per send', async () => {
    const { body, headers } = signed({ type: 'email.complained', data: { email_id: 'fake_2', to: ['bob@example.com'], tags: [{ name: 'send', value: '1' }] } });
    expect(await handleResendWebhook(body, headers)).toMatchObject({ status: 200 });
    expect(await statusOf('bob@example.com')).toBe('complained');
    expect((await sendRow()).complained).toBe(1);
  });

  it('suppresses a stored address whichever spelling of its domain the event uses', async () => {
    await getDb().insert(subscribers).values({ email: 'zoe@xn--bcher-kva.example', lang: 'en', status: 'active', source: 't', consentVersion: 'v', consentAt: 1, createdAt: 1, updatedAt: 1 });
    const { body, headers } = signed(bounce('Zoe@xn--bcher-kva.example'));
    expect(await handleResendWebhook(body, headers)).toMatchObject({ status: 200 });
    expect(await statusOf('zoe@xn--bcher-kva.example')).toBe('bounced');
  });

  it('changes nothing twice when the same event arrives twice', async () => {
    const event = signed(bounce('ada@example.com'), 'msg_same');
    await handleResendWebhook(event.body, event.headers);
    expect(await handleResendWebhook(event.body, event.headers)).toMatchObject({ status: 200, body: { duplicate: true } });
    expect((await sendRow()).bounced).toBe(1);
  });

  it('refuses unverifiable requests with 400 and changes nothing', async () => {
    const good = signed(bounce('cy@example.com'));
    const cases: [string, Headers][] = [
      [good.body.replace('cy@', 'ada@'), good.headers],
      [good.body, new Headers()],
      [good.body, signed(bounce('cy@example.com'), 'msg_x', `whsec_${Buffer.from('another-secret-entirely-0000000').toString('base64')}`).headers],
    ];
    for (const [body, headers] of cases) expect((await handleResendWebhook(body, headers)).status).toBe(400);
    expect(await statusOf('cy@example.com')).toBe('active');
    expect(await statusOf('ada@example.com')).toBe('active');
    expect((await sendRow()).bounced).toBe(0);
    expect(await getDb().$client.execute('SELECT COUNT(*) AS n FROM webhook_events').then((r) => Number(r.rows[0]!.n))).toBe(0);
  });
});
