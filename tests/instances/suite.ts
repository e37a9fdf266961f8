import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient, type Client } from '@libsql/client';
import { Temporal } from 'temporal-polyfill';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { FakeResend, serveFakeResend } from '../mocks/fake-resend.ts';
import { FakeStripe, serveFakeStripe } from '../mocks/fake-stripe.ts';
import { noteSource, ROOT, tempContent } from '../helpers/content.ts';
import { startSqld, type RunningSqld } from '../helpers/sqld.ts';
import { NODE24, startSite, type RunningSite } from '../helpers/site.ts';

// Two web servers (`npm start`) and one `drumbeat worker` on one database, as a scaled-out
// installation runs: behind one SITE_URL, on one Resend and one Stripe account, without an
// APP_SECRET (the generated one is kept in the database they share).
// Everything is real but the network behind the SDKs: the processes, the database (a libSQL server,
// or one SQLite file in WAL mode), the builds. The newsletter slot is a real minute a little ahead,
// so the three schedulers reach it together on their own.

const SITE_URL = 'https://notes.example';
const STRIPE_WEBHOOK_SECRET = 'whsec_instances_suite_0123456789';
const ZONE = 'Europe/Rome';
// Enough batches that two processes sending a language each would exceed the account's rate.
const EN_READERS = 400;
const IT_READERS = 300;
const ACCOUNT_RATE = 2;

interface Worker {
  child: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

async function startWorker(env: Record<string, string>): Promise<Worker> {
  const child = spawn(NODE24, [path.join(ROOT, 'src/cli/drumbeat.mjs'), 'worker'], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const deadline = Date.now() + 60_000;
  while (child.exitCode === null && !/Scheduler running/.test(output) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (!/Scheduler running/.test(output)) throw new Error(`worker did not start:\n${output}`);
  return {
    child,
    output: () => output,
    async stop() {
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

/** The first whole minute at least `leadMs` ahead, as the site's weekly schedule names it. */
function upcomingSlot(leadMs: number): { at: number; weekday: number; time: string } {
  const zoned = Temporal.Instant.fromEpochMilliseconds(Date.now() + leadMs).toZonedDateTimeISO(ZONE).round({ smallestUnit: 'minute', roundingMode: 'ceil' });
  return { at: zoned.epochMilliseconds, weekday: zoned.dayOfWeek, time: `${String(zoned.hour).padStart(2, '0')}:${String(zoned.minute).padStart(2, '0')}` };
}

export function sharedDatabaseSuite(kind: 'sqld' | 'file'): void {
  describe(`two web servers and a worker on ${kind === 'sqld' ? 'a libSQL server' : 'one SQLite file'}`, () => {
    const resend = new FakeResend();
    const stripe = new FakeStripe();
    let resendServer: Awaited<ReturnType<typeof serveFakeResend>>;
    let stripeServer: Awaited<ReturnType<typeof serveFakeStripe>>;
    let sqld: RunningSqld | undefined;
    let a: RunningSite;
    let b: RunningSite;
    let worker: Worker;
    let db: Client;
    let slot: ReturnType<typeof upcomingSlot>;

    beforeAll(async () => {
      // The slot must fall after every process is up and the readers are in: about a minute ahead.
      slot = upcomingSlot(55_000);
      const content = tempContent(
        {
          'en/300-all-together.mdx': noteSource({ number: 300, title: 'All together now', date: new Date(Date.now() - 60_000).toISOString(), summary: 'Three processes, one send.' }),
          'it/300-tutti-insieme.mdx': noteSource({ number: 300, title: 'Tutti insieme', date: new Date(Date.now() - 60_000).toISOString(), summary: 'Tre processi, un invio.' }),
        },
        { withSampleNotes: true },
      );
      const siteYaml = path.join(content, 'site.yaml');
      writeFileSync(siteYaml, readFileSync(siteYaml, 'utf8').replace(/schedule: \{[^}]*\}/, `schedule: { weekday: ${slot.weekday}, time: "${slot.time}" }`));

      [resendServer, stripeServer] = await Promise.all([serveFakeResend(resend), serveFakeStripe(stripe, { webhookSecret: STRIPE_WEBHOOK_SECRET })]);
      let databaseUrl: string;
      if (kind === 'sqld') {
        sqld = await startSqld();
        databaseUrl = sqld.url;
      } else {
        databaseUrl = `file:${path.join(mkdtempSync(path.join(os.tmpdir(), 'drumbeat-shared-')), 'drumbeat.db')}`;
      }
      const env = {
        DATABASE_URL: databaseUrl,
        SITE_URL,
        DRUMBEAT_CONTENT_DIR: content,
        DRUMBEAT_SCHEDULER: 'on',
        DRUMBEAT_TEST_CLOCK: 'off',
        // As deployed: JSON log lines, no dev routes, no test clock.
        NODE_ENV: 'production',
        DRUMBEAT_SUBSCRIBE_IP_LIMIT: '6',
        RESEND_API_KEY: 're_instances_suite',
        RESEND_BASE_URL: resendServer.url,
        STRIPE_SECRET_KEY: 'sk_test_instances_suite',
        STRIPE_WEBHOOK_SECRET,
        STRIPE_API_BASE: stripeServer.url,
        EMAIL_FROM: 'Giulia <notes@notes.example>',
      };
      // All three migrate the empty database at the same moment.
      const dataDir = mkdtempSync(path.join(os.tmpdir(), 'drumbeat-worker-'));
      [a, b, worker] = await Promise.all([
        startSite(inject('sampleOutDir'), env),
        startSite(inject('sampleOutDir'), env),
        startWorker({ ...env, DATA_DIR: dataDir }),
      ]);
      db = createClient({ url: databaseUrl });
    });

    afterAll(async () => {
      db?.close();
      await Promise.all([a?.stop(), b?.stop(), worker?.stop()]);
      await Promise.all([sqld?.stop(), resendServer?.close(), stripeServer?.close()]);
    });

    const rows = async (query: string, args: (string | number)[] = []) => (await db.execute({ sql: query, args })).rows;
    const post = (server: RunningSite, p: string, body: string, headers: Record<string, string> = {}) =>
      fetch(server.url + p, { method: 'POST', redirect: 'manual', headers: { origin: SITE_URL, 'content-type': 'application/x-www-form-urlencoded', ...headers }, body });

    it('all three brought the empty database to the current schema at once', async () => {
      const journal = JSON.parse(readFileSync(path.join(ROOT, 'src/lib/core/db/migrations/meta/_journal.json'), 'utf8')) as { entries: unknown[] };
      expect(await rows('SELECT COUNT(*) AS n FROM __drizzle_migrations')).toEqual([expect.objectContaining({ n: journal.entries.length })]);
      for (const server of [a, b]) expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      expect(worker.child.exitCode).toBeNull();
      for (const log of [a.logs(), b.logs(), worker.output()]) expect(log).not.toMatch(/already exists|Cannot prepare the database/);
    });

    it('counts a rate limit across servers: the sixth subscribe from one address is the last, whichever server takes it', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) {
        const res = await post(i % 2 ? b : a, '/subscribe', `email=${encodeURIComponent(`limit${i}@example.com`)}&lang=en`, { accept: 'application/json' });
        statuses.push(res.status);
      }
      expect(statuses).toEqual([202, 202, 202, 202, 202, 202, 429, 429]);
    });

    it('confirms on one server a subscription whose link the other one mailed', async () => {
      for (const [email, server] of [['limit0@example.com', b], ['limit1@example.com', a]] as const) {
        let link: string | undefined;
        await expect.poll(() => (link = resend.emails.filter((m) => m.to.includes(email)).map((m) => /\/subscribe\/confirm\/?\?token=[A-Za-z0-9._-]+/.exec(m.html ?? '')?.[0]).find(Boolean)), { timeout: 30_000 }).toBeDefined();
        const res = await post(server, link!.replace(/&amp;/g, '&'), '');
        expect(res.status, `${email} on ${server.url}`).toBeLessThan(400);
        expect(await rows('SELECT status FROM subscribers WHERE email = ?', [email])).toEqual([expect.objectContaining({ status: 'active' })]);
      }
    });

    it('makes one purchase and one receipt from webhooks that reach both servers twice, out of order, racing the success page', async () => {
      const checkout = await post(a, '/checkout/okr-workshop-2027-03', 'lang=en');
      expect(checkout.status).toBe(303);
      const sessionId = /cs_test_[A-Za-z0-9]+/.exec(checkout.headers.get('location') ?? '')![0];
      const completed = stripe.complete(sessionId, { email: 'buyer.both@example.com', async: true });
      const succeeded = stripe.asyncSucceeded(sessionId);
      const deliver = (server: RunningSite, event: typeof completed) => {
        const { body, headers } = stripe.signedDelivery(event, STRIPE_WEBHOOK_SECRET);
        return fetch(`${server.url}/webhooks/stripe`, { method: 'POST', headers, body });
      };
      const answers = await Promise.all([
        deliver(b, succeeded),
        deliver(a, completed),
        fetch(`${b.url}/checkout/success?session_id=${sessionId}`),
        deliver(a, succeeded),
        deliver(b, completed),
        fetch(`${a.url}/checkout/success?session_id=${sessionId}`),
      ]);
      // A redelivery that meets a receipt still in flight may be asked to come back (503); Stripe retries.
      for (const r of answers) expect([200, 503]).toContain(r.status);
      for (const server of [a, b]) {
        for (const event of [completed, succeeded]) await expect.poll(async () => (await deliver(server, event)).status, { timeout: 30_000 }).toBe(200);
      }
      expect(await rows("SELECT status FROM purchases WHERE email = 'buyer.both@example.com'")).toEqual([expect.objectContaining({ status: 'paid' })]);
      await expect.poll(() => resend.emails.filter((m) => m.to.includes('buyer.both@example.com') && /receipt/i.test(m.subject)).length, { timeout: 30_000 }).toBe(1);
    });

    it('spends a sign-in link on both servers once it is used on one, and the session works on both', async () => {
      const before = resend.emails.length;
      await post(a, '/login/', 'email=buyer.both%40example.com');
      let link: string | undefined;
      await expect
        .poll(() => (link = resend.emails.slice(before).filter((m) => m.to.includes('buyer.both@example.com')).map((m) => /\/login\/verify\?token=[A-Za-z0-9_-]{43}/.exec(m.html ?? m.text ?? '')?.[0]).find(Boolean)), { timeout: 30_000 })
        .toBeDefined();
      const [first, second] = await Promise.all([post(a, link!, ''), post(b, link!, '')]);
      const won = [first, second].filter((r) => r.status === 303 && /drumbeat_session=/.test(r.headers.get('set-cookie') ?? ''));
      expect(won).toHaveLength(1);
      const cookie = /drumbeat_session=([^;]+)/.exec(won[0]!.headers.get('set-cookie')!)![1]!;
      for (const server of [a, b]) {
        const library = await fetch(`${server.url}/library/`, { headers: { cookie: `drumbeat_session=${cookie}` }, redirect: 'manual' });
        expect(library.status, server.url).toBe(200);
      }
    });

    it('mails each reader once when all three schedulers reach the slot together', async () => {
      const now = Date.now();
      const readers = [...Array.from({ length: EN_READERS }, (_, i) => [`en.reader${i}@example.com`, 'en']), ...Array.from({ length: IT_READERS }, (_, i) => [`it.reader${i}@example.com`, 'it'])];
      await db.batch(
        readers.map(([email, lang]) => ({
          sql: "INSERT INTO subscribers (email, lang, status, source, consent_version, consent_at, confirmed_at, created_at, updated_at) VALUES (?, ?, 'active', '/', 'v1', ?, ?, ?, ?)",
          args: [email!, lang!, now, now, now, now],
        })),
        'write',
      );
      expect(Date.now(), 'the readers were in before the slot').toBeLessThan(slot.at);
      // From here on the fake account allows what Resend's default does, and answers 429 above it.
      resend.requestsPerSecond = ACCOUNT_RATE;
      const noteMails = () => resend.emails.filter((m) => /All together now|Tutti insieme/.test(m.subject));
      await expect.poll(() => noteMails().length, { timeout: slot.at - Date.now() + 90_000, interval: 250 }).toBeGreaterThanOrEqual(EN_READERS + IT_READERS + 2);
      await expect.poll(async () => (await rows("SELECT state FROM sends WHERE note_number = 300 ORDER BY lang")).map((r) => r.state), { timeout: 30_000 }).toEqual(['done', 'done']);
      // The readers, and the two who confirmed on the other server earlier: each once.
      const active = (await rows("SELECT email FROM subscribers WHERE status = 'active'")).map((r) => String(r.email));
      expect(active.length).toBe(EN_READERS + IT_READERS + 2);
      const recipients = noteMails().flatMap((m) => m.to);
      expect(recipients).toHaveLength(active.length);
      expect(new Set(recipients)).toEqual(new Set(active));
      expect(noteMails().filter((m) => m.subject.includes('Tutti insieme')).flatMap((m) => m.to).every((to) => to.startsWith('it.'))).toBe(true);
      expect(await rows('SELECT COUNT(*) AS n FROM sends WHERE note_number = 300')).toEqual([expect.objectContaining({ n: 2 })]);
      // One budget for the account: the processes sending at once took turns, and none was refused.
      const batches = resend.requests.filter((r) => r.path === '/emails/batch');
      expect(batches.filter((r) => r.status === 429)).toEqual([]);
      // Nothing went out before the slot.
      const firstBatch = resend.requests.find((r) => r.path === '/emails/batch' && r.status === 200);
      expect(firstBatch!.at).toBeGreaterThanOrEqual(slot.at);
    }, 240_000);

    it('logged one JSON line per event, with request ids, naming no address, token or secret', async () => {
      const lines = [a.logs(), b.logs(), worker.output()].flatMap((log) => log.split('\n')).filter((line) => line.trim() !== '');
      const parsed = lines.map((line) => {
        try {
          return JSON.parse(line) as Record<string, unknown>;
        } catch {
          return { notJson: line };
        }
      });
      expect(parsed.filter((e) => typeof e.event !== 'string' || typeof e.time !== 'string' || typeof e.level !== 'string')).toEqual([]);
      const events = new Set(parsed.map((e) => e.event));
      for (const event of ['newsletter.batch', 'newsletter.send', 'stripe.webhook', 'purchase', 'signin.request', 'signin.redeem']) expect(events, event).toContain(event);
      expect(parsed.filter((e) => e.event === 'stripe.webhook').every((e) => typeof e.requestId === 'string')).toBe(true);
      const log = lines.join('\n');
      const [generated] = await rows("SELECT value FROM app_settings WHERE key = 'app_secret'");
      expect(String(generated!.value).length).toBeGreaterThanOrEqual(32);
      for (const secret of [String(generated!.value), STRIPE_WEBHOOK_SECRET, 'sk_test_instances_suite', 're_instances_suite']) expect(log).not.toContain(secret);
      expect(log).not.toMatch(/[A-Za-z0-9._%+-]+@(?:example\.com|notes\.example)/);
      const tokens = resend.emails.flatMap((m) => [...`${m.html ?? ''} ${JSON.stringify(m.headers ?? {})}`.matchAll(/token=([A-Za-z0-9._-]{20,})/g)].map((t) => t[1]!));
      expect(tokens.length).toBeGreaterThan(EN_READERS);
      for (const token of new Set(tokens)) expect(log.includes(token), 'a token from an email is in the log').toBe(false);
    });
  });
}
