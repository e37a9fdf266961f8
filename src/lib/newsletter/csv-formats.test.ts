import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { DRUMBEAT_COLUMNS, detectFormat, importedFrom, mapButtondown, mapDrumbeat, mapSubstack, mailchimpList, normalizeEmail, parseIsoTime, parseMailchimpTime, type Cell } from './csv-formats.ts';

const fixture = (name: string) => new URL(`../../../tests/fixtures/imports/${name}`, import.meta.url);
const headerOf = (name: string) => parse(readFileSync(fixture(name), 'utf8'), { bom: true, to_line: 1 })[0]!;
const cells = (row: Record<string, string>): Cell => (column) => row[column] ?? '';

describe('detectFormat', () => {
  it.each([
    ['substack.csv', 'substack'],
    ['ghost.csv', 'ghost'],
    ['mailchimp-subscribed.csv', 'mailchimp'],
    ['mailchimp-unsubscribed.csv', 'mailchimp'],
    ['mailchimp-cleaned.csv', 'mailchimp'],
    ['buttondown.csv', 'buttondown'],
  ])('recognizes %s', (file, format) => {
    expect(detectFormat(headerOf(file))).toBe(format);
  });

  it('tells the three Mailchimp lists apart by their columns', () => {
    expect(mailchimpList(headerOf('mailchimp-subscribed.csv'))).toBe('subscribed');
    expect(mailchimpList(headerOf('mailchimp-unsubscribed.csv'))).toBe('unsubscribed');
    expect(mailchimpList(headerOf('mailchimp-cleaned.csv'))).toBe('cleaned');
  });

  it('accepts the known variants and our own export', () => {
    expect(detectFormat(['email', 'active_subscription', 'expiry', 'email_disabled', 'created_at'])).toBe('substack');
    expect(detectFormat(['email', 'active_subscription', 'expiry', 'plan', 'email_disabled', 'created_at', 'first_payment_at', 'prefer_digests'])).toBe('substack');
    const ghost = ['id', 'email', 'name', 'note', 'subscribed_to_emails', 'complimentary_plan', 'stripe_customer_id', 'created_at', 'deleted_at', 'labels'];
    expect(detectFormat([...ghost, 'products'])).toBe('ghost');
    expect(detectFormat([...ghost, 'tiers', 'gift_id'])).toBe('ghost');
    expect(detectFormat(['\uFEFFemail', ...DRUMBEAT_COLUMNS.slice(1)])).toBe('drumbeat');
    // Exports from before the name column are ours too.
    expect(detectFormat(['email', 'status', 'language', 'consent_at', 'confirmed_at', 'unsubscribed_at', 'source', 'consent_version', 'status_reason'])).toBe('drumbeat');
  });

  it('refuses an unknown header with one line naming the recognized formats', () => {
    const attempt = () => detectFormat(['E-mail', 'Name', 'Joined']);
    expect(attempt).toThrow(/^Unrecognized CSV header "E-mail,Name,Joined": expected an export from Substack .*Ghost .*Mailchimp .*Buttondown .*Drumbeat/);
    expect(() => detectFormat(['Email Address', 'First Name', 'MEMBER_RATING'])).toThrow(/LAST_CHANGED, UNSUB_TIME or CLEAN_TIME/);
    try {
      detectFormat(['a\nb', 'c']);
    } catch (err) {
      expect((err as Error).message).not.toMatch(/\n/);
    }
  });
});

describe('normalizeEmail', () => {
  it('trims and lowercases, like the subscribe form', () => {
    expect(normalizeEmail('  Ada.Lovelace@Example.COM ')).toEqual({ email: 'ada.lovelace@example.com' });
  });

  it('takes addresses by the one rule of the app (src/lib/core/email-address.ts)', () => {
    expect(normalizeEmail('Søren.Soft@example.com')).toEqual({ email: 'søren.soft@example.com' });
    expect(normalizeEmail('zoe@xn--bcher-kva.example')).toEqual({ email: 'zoe@bücher.example' });
    expect(normalizeEmail('zoe@bücher.example')).toEqual({ email: 'zoe@bücher.example' });
  });

  it.each([
    ['', 'email is required'],
    ['ada.example.com', 'not a valid address'],
    ['ada@b@example.com', 'not a valid address'],
    ['ada lovelace@example.com', 'not a valid address'],
    ['ada@example.com\r\nBcc: x@example.com', 'single line'],
    [`a@${'b'.repeat(250)}.com`, 'longer than 254'],
  ])('refuses %j', (raw, why) => {
    expect(normalizeEmail(raw)).toMatchObject({ skip: expect.stringContaining(why) });
  });
});

describe('times', () => {
  it('reads zone-less Mailchimp times as UTC', () => {
    expect(parseMailchimpTime('2024-01-15 10:02:31')).toBe(Date.UTC(2024, 0, 15, 10, 2, 31));
    expect(parseMailchimpTime('15/01/2024 10:02')).toBeUndefined();
  });

  it('requires a zone on ISO times, so the server zone never leaks in', () => {
    expect(parseIsoTime('2024-05-20T09:00:00.123Z')).toBe(Date.UTC(2024, 4, 20, 9, 0, 0, 123));
    expect(parseIsoTime('2024-05-20T11:00:00+02:00')).toBe(Date.UTC(2024, 4, 20, 9));
    expect(parseIsoTime('2024-05-20T09:00:00')).toBeUndefined();
    expect(parseIsoTime('yesterday')).toBeUndefined();
  });
});

describe('row mappers', () => {
  const buttondown = (subscriber_type: string) => mapButtondown(cells({ email: 'x@example.com', subscriber_type, creation_date: '2024-01-15T10:00:00Z' }));

  it.each([
    ['regular', 'active'],
    ['premium', 'active'],
    ['gifted', 'active'],
    ['trialed', 'active'],
    ['churning', 'active'],
    ['past_due', 'active'],
    ['paused', 'active'],
    ['unsubscribed', 'unsubscribed'],
    ['removed', 'unsubscribed'],
    ['spammy', 'complained'],
    ['undeliverable', 'bounced'],
  ])('Buttondown %s -> %s', (type, status) => {
    expect(buttondown(type)).toMatchObject({ email: 'x@example.com', status, consentAt: Date.UTC(2024, 0, 15, 10) });
  });

  it('skips Buttondown subscribers who never confirmed, and unknown types', () => {
    expect(buttondown('unactivated')).toEqual({ email: 'x@example.com', skip: expect.stringMatching(/^not confirmed/) });
    expect(buttondown('vip')).toEqual({ email: 'x@example.com', skip: 'unknown subscriber_type "vip"' });
  });

  it("reads the old Substack form's empty booleans as false", () => {
    expect(mapSubstack(cells({ email: 'a@example.com', active_subscription: '', email_disabled: '', created_at: '2020-01-01T00:00:00.000Z' }))).toMatchObject({ status: 'active' });
    expect(mapSubstack(cells({ email: 'a@example.com', email_disabled: 'yes', created_at: '2020-01-01T00:00:00.000Z' }))).toMatchObject({ skip: 'email_disabled is "yes", expected true or false' });
    expect(mapSubstack(cells({ email: 'a@example.com', email_disabled: 'false', created_at: '' }))).toMatchObject({ skip: 'no consent date (created_at is empty)' });
  });

  it('keeps our own columns untouched, language included', () => {
    const row = { email: 'a@example.com', status: 'bounced', language: 'it', consent_at: '2024-01-01T00:00:00.000Z', confirmed_at: '', unsubscribed_at: '', source: '/it/newsletter', consent_version: '2024-06', status_reason: ' 550 5.1.1, "no such user" ' };
    expect(mapDrumbeat(cells(row))).toEqual({
      email: 'a@example.com',
      status: 'bounced',
      lang: 'it',
      consentAt: Date.UTC(2024, 0, 1),
      reason: ' 550 5.1.1, "no such user" ',
      source: '/it/newsletter',
      consentVersion: '2024-06',
    });
    expect(mapDrumbeat(cells({ ...row, status: 'vip' }))).toMatchObject({ skip: 'unknown status "vip"' });
  });
});

describe('importedFrom', () => {
  it('names the platform of an importer mark, and nothing else', () => {
    expect(importedFrom('import:mailchimp')).toBe('Mailchimp');
    expect(importedFrom('import:substack')).toBe('Substack');
    expect(importedFrom('/it/notes/205-pianificare/')).toBeUndefined();
    expect(importedFrom('import:toString')).toBeUndefined();
    expect(importedFrom('v1')).toBeUndefined();
  });
});
