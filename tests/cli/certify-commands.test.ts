import { mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient } from '@libsql/client';
import { describe, expect, it } from 'vitest';
import { runDrumbeat } from '../helpers/cli.ts';

// `npx drumbeat certify …` as the author runs it: a real process on a real SQLite file, emails to
// the outbox.

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'drumbeat-certify-cli-'));
const drumbeat = (...args: string[]) => runDrumbeat(args, { DATA_DIR: dataDir, DATABASE_URL: undefined, SITE_URL: 'https://notes.example.com' });
const SLOW = 120_000;
const db = () => createClient({ url: `file:${path.join(dataDir, 'drumbeat.db')}` });
const certificates = async () => (await db().execute('SELECT id, email, product_id, cohort_id, name, lang, revoked_at FROM certificates ORDER BY issued_at, id')).rows;
const outbox = () => readdirSync(path.join(dataDir, 'outbox')).filter((f) => f.endsWith('.eml'));

describe('drumbeat certify', () => {
  it('certifies a participant once, emails the link, and revokes; a new certificate after that has a new id', async () => {
    expect((await drumbeat('access', 'grant', 'ann@example.com', 'okr-coach', '--cohort', 'autumn-2027')).code).toBe(0);
    const first = await drumbeat('certify', 'Ann@Example.com', 'okr-coach', '--name', '  Ann   Rossi ');
    expect(first).toMatchObject({ code: 0, err: '' });
    const url = /Certified Ann Rossi <ann@example\.com> for okr-coach \(cohort autumn-2027\): (https:\/\/notes\.example\.com\/certificates\/[A-Za-z0-9_-]{22}\/)\n/.exec(first.out)?.[1];
    expect(url, first.out).toBeDefined();
    expect(first.out).toContain('Emailed the certificate to the participant (en).');
    expect(outbox().filter((f) => f.includes('_certificate_'))).toHaveLength(1);
    const [row] = await certificates();
    expect(row).toMatchObject({ email: 'ann@example.com', product_id: 'okr-coach', cohort_id: 'autumn-2027', name: 'Ann Rossi', lang: 'en', revoked_at: null });
    expect(url).toContain(`/certificates/${row!.id}/`);

    // Again: nothing changes, no second email.
    const again = await drumbeat('certify', 'ann@example.com', 'okr-coach');
    expect(again).toMatchObject({ code: 0, out: expect.stringContaining('already certified') });
    expect(await certificates()).toHaveLength(1);
    expect(outbox().filter((f) => f.includes('_certificate_'))).toHaveLength(1);

    expect(await drumbeat('certify', 'ann@example.com', 'okr-coach', '--revoke')).toMatchObject({ code: 0, out: expect.stringContaining(`Revoked the certificate ${row!.id}`) });
    expect(await drumbeat('certify', 'revoke', 'ann@example.com', 'okr-coach')).toMatchObject({ code: 0, out: expect.stringContaining('nothing changed') });
    expect((await certificates())[0]!.revoked_at).not.toBeNull();

    const renewed = await drumbeat('certify', 'ann@example.com', 'okr-coach', '--name', 'Ann Rossi', '--no-email');
    expect(renewed.code).toBe(0);
    expect(renewed.out).not.toContain('Emailed');
    const rows = await certificates();
    expect(rows).toHaveLength(2);
    expect(rows[1]!.id).not.toBe(rows[0]!.id);
  }, SLOW);

  it('refuses bad input with one line and exit 1, changing nothing', async () => {
    expect((await drumbeat('access', 'grant', 'bea@example.com', 'okr-workshop-2027-03')).code).toBe(0);
    const before = await certificates();
    const cases = [
      ['certify', 'not-an-email', 'okr-coach', '--name', 'X'],
      ['certify', 'ann@example.com', 'no-such-product', '--name', 'X'],
      ['certify', 'bea@example.com', 'okr-workshop-2027-03', '--name', 'X'],
      ['certify', 'stranger@example.com', 'okr-coach', '--name', 'X'],
      ['certify', 'ann@example.com'],
      ['certify', 'ann@example.com', 'okr-coach', '--name', '<b>Ann</b>'],
      ['certify', 'ann@example.com', 'okr-coach', '--bogus'],
      ['certify', 'ann@example.com', 'okr-coach', '--revoke', '--name', 'X'],
      ['certify', 'revoke', 'ann@example.com'],
    ];
    const results = await Promise.all(cases.map((args) => drumbeat(...args)));
    results.forEach((r, i) => {
      expect(r.code, cases[i]!.join(' ')).toBe(1);
      expect(r.err.trim().split('\n'), cases[i]!.join(' ')).toHaveLength(1);
      expect(r.err).toMatch(/^drumbeat: /);
    });
    expect(results[3]!.err).toContain('only a participant can be certified');
    expect(await certificates()).toEqual(before);
  }, SLOW);

  it('asks for a name when none is known, and documents itself', async () => {
    expect((await drumbeat('access', 'grant', 'cy@example.com', 'okr-coach')).code).toBe(0);
    expect(await drumbeat('certify', 'cy@example.com', 'okr-coach')).toMatchObject({ code: 1, err: expect.stringContaining('give the name to print, e.g. --name') });
    const help = await drumbeat('certify', '--help');
    expect(help).toMatchObject({ code: 0, out: expect.stringContaining('drumbeat certify EMAIL PRODUCT [--name "Ada Lovelace"]') });
    expect((await drumbeat('--help')).out).toMatch(/certify +mark a participant qualified/);
  }, SLOW);
});
