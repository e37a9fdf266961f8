import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeResend, serveFakeResend } from '../mocks/fake-resend.ts';
import { ROOT } from '../helpers/content.ts';
import { NODE24 } from '../helpers/site.ts';

// `drumbeat access grant|revoke … --notify` against a fake Resend over real HTTP: the buyer's email
// in their language, one idempotency key per change, and a failed email that leaves the change standing.

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'drumbeat-access-notify-'));
const WORKSHOP = 'okr-workshop-2027-03';
const fake = new FakeResend();
let resend: { url: string; close(): Promise<void> };

// Asynchronous: the fake Resend answers from this process while the command runs.
function drumbeat(...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env, DATA_DIR: dataDir, RESEND_API_KEY: 're_test_cli', RESEND_BASE_URL: resend.url, SITE_URL: 'https://notes.example' };
    const child = spawn(NODE24, [path.join(ROOT, 'src/cli/drumbeat.mjs'), ...args], { cwd: ROOT, env });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => resolve({ code, out, err }));
  });
}

beforeAll(async () => {
  resend = await serveFakeResend(fake);
});
afterAll(() => resend?.close());

const SLOW = 180_000;

describe('drumbeat access --notify', () => {
  it('emails an Italian subscriber in Italian on grant, extension and revocation, each change under its own key', async () => {
    const list = path.join(dataDir, 'it.csv');
    writeFileSync(list, 'email,status,language,consent_at,confirmed_at,unsubscribed_at,source,consent_version,status_reason\nlucia@example.com,active,it,2026-01-01T00:00:00.000Z,,,/it/,v1,\n');
    expect((await drumbeat('subscribers', 'import', list)).code).toBe(0);

    const granted = await drumbeat('access', 'grant', 'Lucia@Example.com', WORKSHOP, '--until', '2027-04-30', '--notify');
    expect(granted, granted.err).toMatchObject({ code: 0, err: '' });
    expect(granted.out).toContain('Granted lucia@example.com access to okr-workshop-2027-03 until 2027-04-30T23:59:59+02:00.');
    expect(granted.out).toContain('Emailed the buyer about it (it).');
    expect(fake.emails).toHaveLength(1);
    const grantMail = fake.emails[0]!;
    expect(grantMail.to).toEqual(['lucia@example.com']);
    expect(grantMail.subject).toMatch(/^Hai accesso a /);
    expect(grantMail.html).toContain('https://notes.example/it/library/okr-workshop-2027-03/');
    expect(grantMail.text).toMatch(/Accesso fino a[\s\S]*30 aprile 2027/);

    const extended = await drumbeat('access', 'grant', 'lucia@example.com', WORKSHOP, '--until', '2027-06-30', '--notify');
    expect(extended.code, extended.err).toBe(0);
    expect(fake.emails[1]!.subject).toMatch(/^Una nuova scadenza per il tuo accesso a /);
    expect(fake.emails[1]!.text).toContain('30 giugno 2027');

    const quiet = await drumbeat('access', 'grant', 'lucia@example.com', WORKSHOP, '--until', '2027-07-31');
    expect(quiet.code).toBe(0);
    expect(quiet.out).not.toContain('Emailed');
    expect(fake.emails).toHaveLength(2);

    const revoked = await drumbeat('access', 'revoke', 'lucia@example.com', WORKSHOP, '--notify');
    expect(revoked.code, revoked.err).toBe(0);
    expect(revoked.out).toContain('Emailed the buyer about it (it).');
    expect(fake.emails[2]!.subject).toMatch(/^Il tuo accesso a .* è terminato$/);
    expect(fake.emails[2]!.html).not.toContain('/it/library/okr-workshop-2027-03/');

    const nothing = await drumbeat('access', 'revoke', 'lucia@example.com', WORKSHOP, '--notify');
    expect(nothing.out).toContain('nothing changed');
    expect(fake.emails).toHaveLength(3);

    const keys = fake.requests.filter((r) => r.path === '/emails').map((r) => r.idempotencyKey);
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(3);
    for (const key of keys) expect(key).toMatch(/^drumbeat\/[0-9a-f]{16}\/access-notice\/(granted|updated|revoked)\//);
  }, SLOW);

  it('someone we know nothing of gets the product’s language (English here)', async () => {
    const r = await drumbeat('access', 'grant', 'newbie@example.com', WORKSHOP, '--notify');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('Emailed the buyer about it (en).');
    expect(fake.emails.at(-1)!.subject).toMatch(/^You have access to /);
  }, SLOW);

  it('when the email fails, the grant stands, the command says so in one line and exits 0', async () => {
    fake.failNext(1, { status: 500 });
    const before = fake.emails.length;
    const r = await drumbeat('access', 'grant', 'ugo@example.com', WORKSHOP, '--until', '2027-05-31', '--notify');
    expect(r.code).toBe(0);
    expect(r.out).toContain('Granted ugo@example.com access to okr-workshop-2027-03 until 2027-05-31T23:59:59+02:00.');
    expect(r.err.trim().split('\n')).toEqual([expect.stringMatching(/^drumbeat: the email to the buyer did not go out \(.+\); the change stands\.$/)]);
    expect(r.err).not.toContain('ugo@example.com');
    expect(fake.emails).toHaveLength(before);
    const list = await drumbeat('access', 'list', 'ugo@example.com');
    expect(list.out.trim()).toBe('ugo@example.com\tokr-workshop-2027-03\tgranted\t2027-05-31T23:59:59+02:00');

    fake.failNext(1, { status: 500 });
    const revoke = await drumbeat('access', 'revoke', 'ugo@example.com', WORKSHOP, '--notify');
    expect(revoke.code).toBe(0);
    expect(revoke.out).toContain('Revoked 1');
    expect(revoke.err).toMatch(/did not go out/);
    expect((await drumbeat('access', 'list', 'ugo@example.com')).out).toContain('\trevoked\t');
  }, SLOW);

  it('documents --notify in --help', async () => {
    expect((await drumbeat('access', 'grant', '--help')).out).toContain('[--notify]');
    expect((await drumbeat('access', 'revoke', '--help')).out).toContain('[--notify]');
  }, SLOW);
});
