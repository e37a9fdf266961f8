import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { closeDb, getDb } from '../../src/lib/core/db/client.server.ts';
import { sendRecipients, sends, subscribers } from '../../src/lib/core/db/schema.ts';
import { ensureSend } from '../../src/lib/newsletter/delivery/ledger.server.ts';
import { FakeResend } from '../mocks/fake-resend.ts';
import { ROOT } from '../helpers/content.ts';
import { useTempDatabase } from '../helpers/db.ts';
import { freePort, NODE24 } from '../helpers/site.ts';

// `npm start` and `drumbeat worker` stopped by a real SIGTERM in the middle of a send and of a
// request: the request is answered, the batches in flight finish, the lease is let go, the port is
// free, exit 0; a restart finishes the send at once (the lease would hold it for 10 minutes), and
// every subscriber has the Note exactly once.

const RECIPIENTS = 1000;
const LEASE = { DRUMBEAT_SEND_LEASE_MS: '600000' };

/** A fake Resend that lets `open` batch requests through and holds the rest until `release()`. */
const fake = new FakeResend();
let open = Infinity;
let held: (() => void)[] = [];
let resendUrl: string;
const resendServer = http.createServer(async (req, res) => {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  if (req.url === '/emails/batch' && open-- <= 0) await new Promise<void>((resolve) => held.push(resolve));
  const response = await fake.handle(new Request(`http://127.0.0.1${req.url}`, { method: req.method, headers: req.headers as Record<string, string>, body: Buffer.concat(chunks) }));
  res.writeHead(response.status, Object.fromEntries(response.headers.entries()));
  res.end(Buffer.from(await response.arrayBuffer()));
});
function release() {
  open = Infinity;
  for (const resolve of held) resolve();
  held = [];
}

async function seed(dataDir?: string) {
  await useTempDatabase(dataDir ? { DATA_DIR: dataDir } : {});
  const dir = process.env.DATA_DIR!;
  const rows = Array.from({ length: RECIPIENTS }, (_, i) => ({ email: `reader${i}@example.com`, lang: 'en', status: 'active' as const, source: 't', consentVersion: 'v', consentAt: 1, createdAt: 1, updatedAt: 1 }));
  for (let i = 0; i < rows.length; i += 500) await getDb().insert(subscribers).values(rows.slice(i, i + 500));
  return dir;
}

interface Proc {
  child: ChildProcess;
  output(): string;
  exit: Promise<number | null>;
}

function run(command: string, args: string[], env: Record<string, string>): Proc {
  const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, RESEND_API_KEY: 're_test_shutdown', RESEND_BASE_URL: resendUrl, NO_COLOR: '1', ...LEASE, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exit };
}

function npmStart(port: number, dataDir: string): Proc {
  return run('npm', ['start', '--silent'], {
    PORT: String(port),
    HOST: '127.0.0.1',
    SITE_URL: `http://127.0.0.1:${port}`,
    DATA_DIR: dataDir,
    DRUMBEAT_OUT_DIR: inject('sampleOutDir'),
    DRUMBEAT_SCHEDULER: 'on',
    DRUMBEAT_TEST_CLOCK: 'on',
  });
}

async function until(what: string, check: () => boolean | Promise<boolean>, proc?: Proc, ms = 90_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (proc && proc.child.exitCode !== null) throw new Error(`exited with ${proc.child.exitCode} while waiting for ${what}:\n${proc.output()}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (resend saw ${JSON.stringify(fake.requests.slice(-5))})${proc ? `:\n${proc.output()}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const answers = async (url: string) => fetch(url).then((r) => r.ok, () => false);
const portIsFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const srv = net.createServer().once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });

const mailed = () => fake.recipients().filter((r) => r.startsWith('reader'));

async function sendRow() {
  closeDb();
  const [row] = await getDb().select().from(sends).where(eq(sends.lang, 'en'));
  return row!;
}

/** The batches that went out, as the ledger has them: those in flight at the stop must be there too. */
async function markedSent() {
  closeDb();
  return getDb().$count(sendRecipients, eq(sendRecipients.state, 'sent'));
}

beforeAll(async () => {
  await new Promise<void>((resolve) => resendServer.listen(0, '127.0.0.1', resolve));
  resendUrl = `http://127.0.0.1:${(resendServer.address() as AddressInfo).port}`;
});
afterAll(() => {
  release();
  resendServer.closeAllConnections();
  resendServer.close();
});

describe('npm start stopped by SIGTERM', () => {
  const procs: Proc[] = [];
  afterAll(() => procs.forEach((p) => p.child.kill('SIGKILL')));

  it('answers the request in flight, finishes the batch in flight, frees the port and exits 0; the restart completes the send at once', { timeout: 240_000 }, async () => {
    const dataDir = await seed();
    closeDb();
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const first = npmStart(port, dataDir);
    procs.push(first);
    await until('the server', () => answers(`${url}/healthz`), first);

    // Note 206's slot: the send starts; two batches go out, the next ones hang at "Resend".
    open = 2;
    fake.emails.length = 0;
    const clock = await fetch(`${url}/dev/clock`, { method: 'POST', headers: { 'content-type': 'application/json', origin: url }, body: JSON.stringify({ at: '2026-11-30T06:01:00Z' }) });
    expect(clock.status).toBe(200);
    await until('a batch in flight', () => held.length > 0, first);

    // A slow visitor: the headers are in, the body is not.
    const body = 'email=slow%40example.com&lang=en';
    const slow = http.request(`${url}/subscribe`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(body.length), origin: url } });
    const answered = new Promise<number>((resolve, reject) => slow.on('response', (res) => (res.resume(), resolve(res.statusCode!))).on('error', reject));
    slow.write(body.slice(0, 10));
    // One round trip on another connection: the server has read the slow request's headers by now.
    expect(await answers(`${url}/healthz`)).toBe(true);

    first.child.kill('SIGTERM');
    await until('the stop to begin', () => /server\.stop reason=SIGTERM inFlight=1 finishing the requests in flight and the jobs/.test(first.output()), first);
    // No new connections once stopping.
    expect(await answers(`${url}/healthz`)).toBe(false);

    slow.end(body.slice(10));
    expect(await answered).toBe(303);
    release();
    expect(await first.exit).toBe(0);
    expect(await portIsFree(port)).toBe(true);
    expect(first.output()).not.toMatch(/error|stopped after/i);

    // The batches in flight were marked sent; the rest wait, and nobody holds the send.
    const row = await sendRow();
    expect(row.state).toBe('sending');
    expect(row.leaseOwner).toBeNull();
    expect(await markedSent()).toBe(mailed().length);
    expect(mailed().length).toBeGreaterThan(200);
    expect(mailed().length).toBeLessThan(RECIPIENTS);

    // Restarted (its clock back to today): the send resumes on the first tick, not after the lease.
    const second = npmStart(port, dataDir);
    procs.push(second);
    await until('the send to finish', () => mailed().length >= RECIPIENTS && /newsletter\.send send=\d+ outcome=done/.test(second.output()), second, 60_000);
    expect(mailed()).toHaveLength(RECIPIENTS);
    expect(new Set(mailed()).size).toBe(RECIPIENTS);
    second.child.kill('SIGINT');
    expect(await second.exit).toBe(0);
    expect(await portIsFree(port)).toBe(true);
  });
});

describe('drumbeat worker stopped by a signal', () => {
  const procs: Proc[] = [];
  afterAll(() => procs.forEach((p) => p.child.kill('SIGKILL')));
  const worker = (dataDir: string) => run(NODE24, [path.join(ROOT, 'src/cli/drumbeat.mjs'), 'worker'], { DATA_DIR: dataDir });

  it('finishes the batch in flight, lets go of the send and exits 0; the next worker sends the rest once', { timeout: 180_000 }, async () => {
    const dataDir = await seed(mkdtempSync(path.join(os.tmpdir(), 'drumbeat-worker-')));
    // A send begun by a process that is gone: the worker resumes it whatever the date.
    await ensureSend({ noteNumber: 205, lang: 'en', noteLang: 'en', fallback: false });
    closeDb();
    open = 3;
    fake.emails.length = 0;
    const first = worker(dataDir);
    procs.push(first);
    await until('a batch in flight', () => held.length > 0, first);
    first.child.kill('SIGTERM');
    await until('the stop to begin', () => /worker\.stop reason=SIGTERM/.test(first.output()), first);
    release();
    expect(await first.exit).toBe(0);
    expect(first.output()).toMatch(/newsletter\.send send=\d+ outcome=interrupted/);
    expect((await sendRow()).leaseOwner).toBeNull();
    expect(await markedSent()).toBe(mailed().length);
    expect(mailed().length).toBeGreaterThan(300);
    expect(mailed().length).toBeLessThan(RECIPIENTS);

    const second = worker(dataDir);
    procs.push(second);
    await until('the send to finish', () => mailed().length >= RECIPIENTS && /newsletter\.send send=\d+ outcome=done/.test(second.output()), second, 60_000);
    expect(new Set(mailed()).size).toBe(RECIPIENTS);
    expect(mailed()).toHaveLength(RECIPIENTS);
    second.child.kill('SIGINT');
    expect(await second.exit).toBe(0);
  });

  it('started by npx, finishes the same way when npx is stopped (npx runs it under a shell that does not pass signals on)', { timeout: 180_000 }, async () => {
    const dataDir = await seed(mkdtempSync(path.join(os.tmpdir(), 'drumbeat-npx-')));
    await ensureSend({ noteNumber: 205, lang: 'en', noteLang: 'en', fallback: false });
    closeDb();
    open = 2;
    fake.emails.length = 0;
    const npx = run('npx', ['drumbeat', 'worker'], { DATA_DIR: dataDir });
    procs.push(npx);
    // The worker holds our end of the pipe: it closes when the worker itself has exited.
    const pipeClosed = new Promise<void>((resolve) => npx.child.stdout!.on('close', () => resolve()));
    await until('a batch in flight', () => held.length > 0, npx);
    npx.child.kill('SIGTERM');
    await npx.exit;
    release();
    await pipeClosed;
    expect(npx.output()).toMatch(/worker\.stop reason="its parent process ended"/);
    expect((await sendRow()).leaseOwner).toBeNull();
    expect(await markedSent()).toBe(mailed().length);
    expect(mailed().length).toBeLessThan(RECIPIENTS);
  });
});
