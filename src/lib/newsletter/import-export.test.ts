import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { count, eq } from 'drizzle-orm';
import { useTempDatabase } from '../../../tests/helpers/db.ts';
import { resetClock, setNow } from '../core/clock.ts';
import { closeDb, type Database } from '../core/db/client.server.ts';
import { subscribers } from '../core/db/schema.ts';
import { exportSubscribersCsv, importSubscribersCsv, type ImportOptions, type ImportReport } from './import-export.server.ts';

const OPTS = { defaultLang: 'en', languages: ['en', 'it'] } satisfies ImportOptions;
const NOW = Date.UTC(2026, 0, 10, 12);
const fixture = (name: string) => readFileSync(new URL(`../../../tests/fixtures/imports/${name}`, import.meta.url), 'utf8');
const utc = (iso: string) => new Date(iso).getTime();

let db: Database;

beforeEach(async () => {
  ({ db } = await useTempDatabase());
  setNow(NOW);
});
afterEach(() => resetClock());
afterAll(() => closeDb());

const row = async (email: string) => (await db.select().from(subscribers).where(eq(subscribers.email, email)))[0];
const statuses = async () => Object.fromEntries((await db.select().from(subscribers)).map((s) => [s.email, s.status]));
const total = async () => (await db.select({ n: count() }).from(subscribers))[0]!.n;

async function exportText(): Promise<{ text: string; chunks: number }> {
  let text = '';
  let chunks = 0;
  await exportSubscribersCsv((chunk) => {
    text += chunk;
    chunks++;
  });
  return { text, chunks };
}

function counts(report: ImportReport) {
  const { format, total, imported, updated, unchanged } = report;
  return { format, total, imported, updated, unchanged, skipped: report.skipped.length };
}

describe('importing the platform exports', () => {
  it('Substack: email_disabled means unsubscribed; consent is created_at', async () => {
    const report = await importSubscribersCsv(fixture('substack.csv'), OPTS);
    expect(counts(report)).toEqual({ format: 'substack', total: 7, imported: 7, updated: 0, unchanged: 0, skipped: 0 });
    expect(await statuses()).toEqual({
      'ada.free@example.com': 'active',
      'pat.monthly@example.com': 'active',
      'yan.yearly@example.com': 'active',
      'cam.comp@example.com': 'active',
      'uma.unsub@example.com': 'unsubscribed',
      'lee.lapsed@example.com': 'active',
      'zoë.brontë@example.com': 'active',
    });
    expect(await row('zoë.brontë@example.com')).toMatchObject({
      lang: 'en',
      source: 'import:substack',
      consentVersion: 'import:substack',
      consentAt: utc('2024-05-20T09:00:00.123Z'),
      confirmedAt: null,
      createdAt: NOW,
    });
  });

  it('Ghost: subscribed_to_emails=false means unsubscribed; CRLF and quoted commas are read', async () => {
    const report = await importSubscribersCsv(fixture('ghost.csv'), OPTS);
    expect(counts(report)).toEqual({ format: 'ghost', total: 7, imported: 7, updated: 0, unchanged: 0, skipped: 0 });
    expect(await row('uma.unsub@example.com')).toMatchObject({ status: 'unsubscribed', consentAt: utc('2024-04-10T17:45:00Z'), source: 'import:ghost' });
    expect(await row('quinn.comma@example.com')).toMatchObject({ status: 'active', consentAt: utc('2024-06-01T11:11:11Z') });
    expect(await row('lapsed.paid@example.com')).toMatchObject({ status: 'active', consentAt: utc('2023-11-30T23:59:59Z') });
  });

  it('Mailchimp subscribed: consent from OPTIN_TIME, else CONFIRM_TIME, read as UTC', async () => {
    const report = await importSubscribersCsv(fixture('mailchimp-subscribed.csv'), OPTS);
    expect(counts(report)).toEqual({ format: 'mailchimp', total: 6, imported: 6, updated: 0, unchanged: 0, skipped: 0 });
    expect(new Set(Object.values(await statuses()))).toEqual(new Set(['active']));
    expect(await row('ada.single@example.com')).toMatchObject({ consentAt: utc('2024-01-15T10:00:00Z'), confirmedAt: utc('2024-01-15T10:02:31Z'), source: 'import:mailchimp' });
    expect(await row('ben.imported@example.com')).toMatchObject({ consentAt: utc('2024-02-01T12:30:00Z'), confirmedAt: utc('2024-02-01T12:30:00Z') });
  });

  it('Mailchimp unsubscribed: every row unsubscribed at UNSUB_TIME, admin removals included', async () => {
    const report = await importSubscribersCsv(fixture('mailchimp-unsubscribed.csv'), OPTS);
    expect(counts(report)).toEqual({ format: 'mailchimp', total: 3, imported: 3, updated: 0, unchanged: 0, skipped: 0 });
    expect(await row('adm.removed@example.com')).toMatchObject({ status: 'unsubscribed', consentAt: utc('2023-05-05T05:05:05Z'), unsubscribedAt: utc('2024-04-11T09:00:00Z') });
    expect(await row('uma.unsub@example.com')).toMatchObject({ status: 'unsubscribed', consentAt: utc('2023-03-01T08:00:00Z'), unsubscribedAt: utc('2024-04-10T17:45:00Z') });
    expect(await row('renée.other@example.com')).toMatchObject({ status: 'unsubscribed' });
  });

  it('Mailchimp cleaned: bounced, with NOTES as the reason; a non-ASCII local part is a valid address', async () => {
    const report = await importSubscribersCsv(fixture('mailchimp-cleaned.csv'), OPTS);
    expect(counts(report)).toEqual({ format: 'mailchimp', total: 2, imported: 2, updated: 0, unchanged: 0, skipped: 0 });
    expect(await row('bo.bounced@example.com')).toMatchObject({ status: 'bounced', statusReason: 'cleaned by Mailchimp', consentAt: utc('2023-02-02T02:02:02Z') });
    expect(await row('søren.soft@example.com')).toMatchObject({
      status: 'bounced',
      statusReason: 'Mailbox full, repeatedly',
      consentAt: utc('2023-08-08T08:08:08Z'),
      confirmedAt: utc('2023-08-08T08:08:08Z'),
    });
  });

  it('Buttondown: subscriber_type decides; unactivated addresses are not imported', async () => {
    const report = await importSubscribersCsv(fixture('buttondown.csv'), OPTS);
    expect(counts(report)).toEqual({ format: 'buttondown', total: 8, imported: 7, updated: 0, unchanged: 0, skipped: 1 });
    expect(report.skipped).toEqual([{ line: 7, email: 'una.pending@example.com', reason: expect.stringMatching(/^not confirmed in Buttondown/) }]);
    expect(await row('una.pending@example.com')).toBeUndefined();
    expect(await statuses()).toMatchObject({
      'ada.regular@example.com': 'active',
      'pat.premium@example.com': 'active',
      'gil.gifted@example.com': 'active',
      'uma.unsub@example.com': 'unsubscribed',
      'bo.bounced@example.com': 'bounced',
      'quinn.comma@example.com': 'active',
    });
    expect(await row('bo.bounced@example.com')).toMatchObject({ statusReason: 'undeliverable in Buttondown', consentAt: utc('2024-04-11T07:00:00Z') });
  });

  it('a whole migration (every file, one after another) ends with each address in its worst state', async () => {
    const files = ['mailchimp-subscribed.csv', 'mailchimp-unsubscribed.csv', 'mailchimp-cleaned.csv', 'substack.csv', 'ghost.csv', 'buttondown.csv'];
    const reports = [];
    for (const file of files) reports.push(counts(await importSubscribersCsv(fixture(file), OPTS)));
    expect(reports.map((r) => [r.imported, r.updated, r.unchanged, r.skipped])).toEqual([
      [6, 0, 0, 0],
      [3, 0, 0, 0],
      [2, 0, 0, 0],
      [6, 0, 1, 0], // uma: unsubscribed in both
      [3, 1, 3, 0], // ada.free (Substack, no name: Ghost's fills it in), uma, zoe and quinn (Mailchimp) were there already
      [3, 0, 4, 1], // uma, zoe, quinn; bo was cleaned already; una never confirmed
    ]);
    expect(await row('bo.bounced@example.com')).toMatchObject({ status: 'bounced', source: 'import:mailchimp', statusReason: 'cleaned by Mailchimp' });
  });
});

describe('names', () => {
  const names = async () => Object.fromEntries((await db.select({ email: subscribers.email, name: subscribers.name }).from(subscribers)).map((s) => [s.email, s.name]));

  it('Mailchimp: "First Name" and "Last Name" become one name, a quoted comma included', async () => {
    await importSubscribersCsv(fixture('mailchimp-subscribed.csv'), OPTS);
    expect(await names()).toMatchObject({
      'ada.single@example.com': 'Ada Single',
      'zoe.bronte@example.com': 'Zoë Brontë-Łukasiewicz',
      'quinn.comma@example.com': 'Quinn Comma, Jr.',
    });
  });

  it('Mailchimp with the merge tags FNAME/LNAME as headers, one of them empty, or none at all', async () => {
    const header = '"Email Address",FNAME,LNAME,MEMBER_RATING,OPTIN_TIME,OPTIN_IP,CONFIRM_TIME,CONFIRM_IP,LAST_CHANGED,LEID,EUID,NOTES\n';
    const when = '"2024-01-15 10:00:00",,"2024-01-15 10:02:31",,"2024-01-15 10:02:31",1,a1b2c3d4e5,';
    await importSubscribersCsv(`${header}fe@example.com,Fe,Lname,2,${when}\nonly.first@example.com,Solo,,2,${when}\nnobody@example.com,,,2,${when}\n`, OPTS);
    expect(await names()).toEqual({ 'fe@example.com': 'Fe Lname', 'only.first@example.com': 'Solo', 'nobody@example.com': null });
  });

  it('Ghost: the name column', async () => {
    await importSubscribersCsv(fixture('ghost.csv'), OPTS);
    expect(await names()).toMatchObject({ 'ada.free@example.com': 'Ada Free', 'uma.unsub@example.com': 'Uma Unsubscribed', 'zoe.bronte@example.com': 'Zoë Brontë-Łukasiewicz' });
  });

  it('Buttondown: the name in the metadata JSON, where the signup form collected one; Substack has none', async () => {
    await importSubscribersCsv(fixture('buttondown.csv'), OPTS);
    await importSubscribersCsv(fixture('substack.csv'), OPTS);
    expect(await names()).toMatchObject({ 'pat.premium@example.com': 'Pat', 'zoe.bronte@example.com': 'Zoë Brontë-Łukasiewicz', 'ada.regular@example.com': null, 'pat.monthly@example.com': null });
  });

  it('a name column in any other supported file is read too; names are one line and of sane length', async () => {
    const substack = 'email,active_subscription,expiry,plan,email_disabled,created_at,first_payment_at,name\n';
    await importSubscribersCsv(`${substack}a@example.com,false,,other,false,2024-01-15T10:00:00.000Z,,"  Anna\n  Maria "\nb@example.com,false,,other,false,2024-01-15T10:00:00.000Z,,${'x'.repeat(500)}\n`, OPTS);
    expect(await names()).toEqual({ 'a@example.com': 'Anna Maria', 'b@example.com': 'x'.repeat(200) });
  });

  it('fills in a name we lack on an address we have, never replaces one, and never touches a skipped row', async () => {
    await db.insert(subscribers).values([
      { email: 'ada.free@example.com', lang: 'it', status: 'active', source: '/it/', consentVersion: 'v1', consentAt: NOW, createdAt: NOW, updatedAt: NOW },
      { email: 'pat.paid@example.com', name: 'Patricia', lang: 'en', status: 'active', source: '/', consentVersion: 'v1', consentAt: NOW, createdAt: NOW, updatedAt: NOW },
      { email: 'cam.comped@example.com', lang: 'en', status: 'complained', source: '/', consentVersion: 'v1', consentAt: NOW, createdAt: NOW, updatedAt: NOW },
    ]);
    const report = await importSubscribersCsv(fixture('ghost.csv'), OPTS);
    expect(counts(report)).toMatchObject({ imported: 4, updated: 1, unchanged: 1, skipped: 1 });
    expect(await row('ada.free@example.com')).toMatchObject({ name: 'Ada Free', lang: 'it', source: '/it/', status: 'active' });
    expect(await row('pat.paid@example.com')).toMatchObject({ name: 'Patricia' });
    expect(await row('cam.comped@example.com')).toMatchObject({ name: null, status: 'complained' });
    expect(counts(await importSubscribersCsv(fixture('ghost.csv'), OPTS))).toMatchObject({ imported: 0, updated: 0 });
  });

  it('our export writes the name last; a file from before the column still imports', async () => {
    await importSubscribersCsv(fixture('ghost.csv'), OPTS);
    const { text } = await exportText();
    expect(text.split('\n')[0]).toBe('email,status,language,consent_at,confirmed_at,unsubscribed_at,source,consent_version,status_reason,name');
    expect(text).toContain('\nquinn.comma@example.com,active,en,2024-06-01T11:11:11.000Z,,,import:ghost,import:ghost,,Quinn Comma\n');

    ({ db } = await useTempDatabase());
    const old = 'email,status,language,consent_at,confirmed_at,unsubscribed_at,source,consent_version,status_reason\nold@example.com,active,it,2024-01-01T00:00:00.000Z,,,/it/,v1,\n';
    expect(counts(await importSubscribersCsv(old, OPTS))).toMatchObject({ format: 'drumbeat', imported: 1, skipped: 0 });
    expect(await row('old@example.com')).toMatchObject({ name: null, lang: 'it', source: '/it/' });
  });
});

describe('importing into a list that already has the address', () => {
  const substackRow = (email: string, disabled = false) => `${email},false,,other,${disabled},2025-01-01T00:00:00.000Z,\n`;
  const substack = (...rows: string[]) => `email,active_subscription,expiry,plan,email_disabled,created_at,first_payment_at\n${rows.join('')}`;

  it('never re-subscribes an address that unsubscribed, bounced or complained here', async () => {
    await importSubscribersCsv(fixture('mailchimp-unsubscribed.csv'), OPTS);
    await importSubscribersCsv(fixture('mailchimp-cleaned.csv'), OPTS);
    await db.update(subscribers).set({ status: 'complained' }).where(eq(subscribers.email, 'renée.other@example.com'));
    await db.update(subscribers).set({ unsubscribedAt: null }).where(eq(subscribers.email, 'uma.unsub@example.com'));
    const before = await db.select().from(subscribers);

    const report = await importSubscribersCsv(
      substack(substackRow('adm.removed@example.com'), substackRow('uma.unsub@example.com'), substackRow('bo.bounced@example.com'), substackRow('renée.other@example.com')),
      OPTS,
    );

    expect(counts(report)).toMatchObject({ imported: 0, updated: 0, unchanged: 0, skipped: 4 });
    expect(report.skipped).toEqual([
      { line: 2, email: 'adm.removed@example.com', reason: 'unsubscribed here on 2024-04-11' },
      { line: 3, email: 'uma.unsub@example.com', reason: 'unsubscribed here' },
      { line: 4, email: 'bo.bounced@example.com', reason: 'suppressed (bounced)' },
      { line: 5, email: 'renée.other@example.com', reason: 'suppressed (complained)' },
    ]);
    expect(await db.select().from(subscribers)).toEqual(before);
  });

  it('applies a worse status from the file to an active address, and leaves active ones alone', async () => {
    await importSubscribersCsv(fixture('ghost.csv'), OPTS);
    setNow(NOW + 1000);
    const report = await importSubscribersCsv(
      'id,email,creation_date,subscriber_type\n' +
        '1,ada.free@example.com,2020-01-01T00:00:00Z,undeliverable\n' +
        '2,pat.paid@example.com,2020-01-01T00:00:00Z,removed\n' +
        '3,cam.comped@example.com,2020-01-01T00:00:00Z,spammy\n' +
        '4,quinn.comma@example.com,2020-01-01T00:00:00Z,regular\n',
      OPTS,
    );
    expect(counts(report)).toMatchObject({ imported: 0, updated: 3, unchanged: 1, skipped: 0 });
    expect(await row('ada.free@example.com')).toMatchObject({ status: 'bounced', statusReason: 'undeliverable in Buttondown', unsubscribedAt: null, updatedAt: NOW + 1000 });
    // The file has no date for it: the import is when we learned.
    expect(await row('pat.paid@example.com')).toMatchObject({ status: 'unsubscribed', unsubscribedAt: NOW + 1000 });
    expect(await row('cam.comped@example.com')).toMatchObject({ status: 'complained' });
    // The original consent stays.
    expect(await row('quinn.comma@example.com')).toMatchObject({ status: 'active', source: 'import:ghost', consentAt: utc('2024-06-01T11:11:11Z'), updatedAt: NOW });
  });

  it('activates a pending signup with the imported consent', async () => {
    await db.insert(subscribers).values({ email: 'ada.free@example.com', lang: 'it', status: 'pending', source: '/it/', consentVersion: '2026-11-25', consentAt: NOW - 5000, createdAt: NOW - 5000, updatedAt: NOW - 5000 });
    const report = await importSubscribersCsv(substack(substackRow('ada.free@example.com')), OPTS);
    expect(counts(report)).toMatchObject({ imported: 0, updated: 1 });
    expect(await row('ada.free@example.com')).toMatchObject({ status: 'active', lang: 'it', source: 'import:substack', consentAt: utc('2025-01-01T00:00:00Z') });
  });

  it('keeps the first of an address repeated in the file, and reports bad rows by line', async () => {
    const report = await importSubscribersCsv(
      'id,email,name,note,subscribed_to_emails,complimentary_plan,stripe_customer_id,created_at,deleted_at,labels,tiers\r\n' +
        '1,Ada@Example.com,Ada,"two\r\nlines",true,false,,2024-01-15T10:00:00.000Z,,,\r\n' +
        '\r\n' +
        '2, ada@example.com ,Ada again,,false,false,,2024-01-16T10:00:00.000Z,,,\r\n' +
        '3,not-an-address,Nobody,,true,false,,2024-01-16T10:00:00.000Z,,,\r\n' +
        '4,late@example.com,Late,,maybe,false,,2024-01-16T10:00:00.000Z,,,\r\n' +
        '5,gone@example.com,Gone,,true,false,,2024-01-16T10:00:00.000Z,2024-02-01T00:00:00.000Z,,\r\n' +
        '6,nodate@example.com,No Date,,true,false,,,,,\r\n',
      OPTS,
    );
    expect(counts(report)).toMatchObject({ format: 'ghost', total: 6, imported: 1, skipped: 5 });
    expect(report.skipped).toEqual([
      { line: 5, email: 'ada@example.com', reason: 'duplicate in file' },
      { line: 6, email: 'not-an-address', reason: 'email is not a valid address' },
      { line: 7, email: 'late@example.com', reason: 'subscribed_to_emails is "maybe", expected true or false' },
      { line: 8, email: 'gone@example.com', reason: 'deleted in Ghost' },
      { line: 9, email: 'nodate@example.com', reason: 'no consent date (created_at is empty)' },
    ]);
    expect(await row('ada@example.com')).toMatchObject({ status: 'active' });
  });
});

describe('a file that cannot be read', () => {
  const seed = () => importSubscribersCsv(fixture('substack.csv'), OPTS);

  it('with an unknown header fails with one clear line and writes nothing', async () => {
    await seed();
    const attempt = importSubscribersCsv('E-mail,Name,Joined\nnew@example.com,New,2024-01-01\n', OPTS);
    await expect(attempt).rejects.toThrow(/^Unrecognized CSV header "E-mail,Name,Joined": expected an export from Substack .*Ghost .*Mailchimp .*Buttondown .*Drumbeat/);
    await attempt.catch((err: Error) => expect(err.message).not.toContain('\n'));
    expect(await total()).toBe(7);
  });

  it('with a broken record anywhere, even near the end, imports none of it', async () => {
    const rows = Array.from({ length: 1200 }, (_, i) => `n${i}@example.com,false,,other,false,2024-01-15T10:00:00.000Z,\n`);
    const text = `email,active_subscription,expiry,plan,email_disabled,created_at,first_payment_at\n${rows.join('')}"unclosed@example.com,false\n`;
    await expect(importSubscribersCsv(text, OPTS)).rejects.toThrow(/^Cannot read the CSV file: Quote Not Closed/);
    expect(await total()).toBe(0);
    await expect(importSubscribersCsv(`${text.split('"')[0]}extra@example.com,false,,other,false,2024-01-15T10:00:00.000Z,,surplus\n`, OPTS)).rejects.toThrow('Cannot read the CSV file: line 1202 has 8 fields, the header has 7.');
    expect(await total()).toBe(0);
  });

  it('failing in the database keeps the chunks before whole and none of the failing one', async () => {
    await db.$client.execute(`CREATE TRIGGER boom BEFORE INSERT ON subscribers WHEN NEW.email = 'n700@example.com' BEGIN SELECT RAISE(ABORT, 'boom'); END`);
    const rows = Array.from({ length: 1200 }, (_, i) => `n${i}@example.com,false,,other,false,2024-01-15T10:00:00.000Z,\n`);
    const progress: [number, number][] = [];
    const attempt = importSubscribersCsv(`email,active_subscription,expiry,plan,email_disabled,created_at,first_payment_at\n${rows.join('')}`, { ...OPTS, onProgress: (d, t) => progress.push([d, t]) });
    await expect(attempt).rejects.toThrow(/^Import stopped at line 502 \(rows before line 502 were saved\): .*boom$/);
    expect(await total()).toBe(500);
    expect(progress).toEqual([[500, 1200]]);
  });
});

describe('export', () => {
  it('round-trips losslessly: export, import into an empty database, export again gives the same bytes', async () => {
    for (const file of ['mailchimp-subscribed.csv', 'mailchimp-unsubscribed.csv', 'mailchimp-cleaned.csv', 'substack.csv', 'buttondown.csv']) {
      await importSubscribersCsv(fixture(file), OPTS);
    }
    await db.insert(subscribers).values([
      { email: 'pia@example.com', lang: 'it', status: 'pending', source: '/it/note/12/', consentVersion: '2026-11-25', consentAt: NOW, createdAt: NOW, updatedAt: NOW },
      { email: 'max@example.com', lang: 'en', status: 'bounced', source: '/', consentVersion: '2026-11-25', consentAt: NOW, confirmedAt: NOW + 1, statusReason: ' 550 5.1.1 "no such user",\nsee log ', createdAt: NOW, updatedAt: NOW },
    ]);
    const first = await exportText();
    const lines = first.text.split('\n');
    expect(lines[0]).toBe('email,status,language,consent_at,confirmed_at,unsubscribed_at,source,consent_version,status_reason,name');
    expect(lines).toContain('adm.removed@example.com,unsubscribed,en,2023-05-05T05:05:05.000Z,2023-05-05T05:05:05.000Z,2024-04-11T09:00:00.000Z,import:mailchimp,import:mailchimp,,Adm Removed');
    expect(lines).toContain('pia@example.com,pending,it,2026-01-10T12:00:00.000Z,,,/it/note/12/,2026-11-25,,');
    expect(lines).toContain('quinn.comma@example.com,active,en,2024-06-01T11:11:11.000Z,2024-06-01T11:12:00.000Z,,import:mailchimp,import:mailchimp,,"Quinn Comma, Jr."');

    ({ db } = await useTempDatabase());
    const report = await importSubscribersCsv(first.text, OPTS);
    expect(counts(report)).toMatchObject({ format: 'drumbeat', imported: 22, skipped: 0 });
    expect((await exportText()).text).toBe(first.text);
  });

  it('of an empty list is just the header', async () => {
    expect((await exportText()).text).toBe('email,status,language,consent_at,confirmed_at,unsubscribed_at,source,consent_version,status_reason,name\n');
  });
});

describe('scale', () => {
  it('imports 100,000 rows in well under 15 s and exports them page by page', async () => {
    const n = 100_000;
    const lines = ['email,active_subscription,expiry,plan,email_disabled,created_at,first_payment_at'];
    for (let i = 0; i < n; i++) lines.push(`reader${i}@example.com,false,,other,${i % 10 === 0},2024-01-15T10:00:00.000Z,`);
    const started = performance.now();
    const report = await importSubscribersCsv(lines.join('\n'), OPTS);
    const importMs = performance.now() - started;
    expect(counts(report)).toEqual({ format: 'substack', total: n, imported: n, updated: 0, unchanged: 0, skipped: 0 });

    const again = performance.now();
    const reimport = await importSubscribersCsv(lines.join('\n'), OPTS);
    const reimportMs = performance.now() - again;
    expect(counts(reimport)).toMatchObject({ imported: 0, unchanged: n });

    const exportStarted = performance.now();
    const { text, chunks } = await exportText();
    const exportMs = performance.now() - exportStarted;
    console.log(`100,000 rows: import ${(importMs / 1000).toFixed(2)} s, re-import ${(reimportMs / 1000).toFixed(2)} s, export ${(exportMs / 1000).toFixed(2)} s`);
    expect(importMs).toBeLessThan(15_000);
    expect(chunks).toBe(1 + n / 1000);
    expect(text.split('\n')).toHaveLength(n + 2);
    expect(await db.select({ n: count() }).from(subscribers).where(eq(subscribers.status, 'unsubscribed'))).toEqual([{ n: n / 10 }]);
  });
});
