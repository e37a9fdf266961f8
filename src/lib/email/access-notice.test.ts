import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../../tests/helpers/content.ts';
import { loadSiteConfig, type Lang } from '../core/site.ts';
import { deadlineLabel } from '../../i18n/format.ts';
import { renderAccessNoticeEmail } from './render.server.ts';

// The buyer's notice of a grant, a new end date or a revocation (emails/AccessNotice.tsx), in both languages.

const site = loadSiteConfig(path.join(ROOT, 'content'));
const common = { siteTitle: site.title, authorName: site.author.name, productTitle: 'OKRs' };
const UNTIL = Date.parse('2027-04-30T21:59:59Z');
const NOW = Date.parse('2026-12-02T10:00:00Z');

describe('renderAccessNoticeEmail', () => {
  it.each<[Lang, string, string, string]>([
    ['en', 'You have access to OKRs', 'Access until', 'Open it in your library'],
    ['it', 'Hai accesso a OKRs', 'Accesso fino a', 'Aprilo nella tua libreria'],
  ])('a grant in %s: subject, the new end in the product zone, the product link', async (lang, subject, label, button) => {
    const until = deadlineLabel(lang, UNTIL, 'Europe/Rome', NOW);
    const libraryUrl = `https://drumbeat.example${lang === 'it' ? '/it' : ''}/library/okr/`;
    const mail = await renderAccessNoticeEmail({ ...common, lang, change: 'granted', accessUntilLabel: until, libraryUrl });
    expect(mail.subject).toBe(subject);
    expect(mail.html).toContain(`<html dir="ltr" lang="${lang}">`);
    expect(mail.html).toContain(`<title>${subject}</title>`);
    expect(mail.html).toContain(`href="${libraryUrl}"`);
    expect(mail.text).toContain(label);
    expect(mail.text).toContain(until);
    expect(mail.text).toContain(button);
    expect(until).toMatch(lang === 'it' ? /30 aprile 2027.*ora/ : /April 30, 2027.*time/i);
  });

  it('an update says so, no end date is written out, and a revocation offers no link to what is gone', async () => {
    const updated = await renderAccessNoticeEmail({ ...common, lang: 'it', change: 'updated', accessUntilLabel: null, libraryUrl: 'https://drumbeat.example/it/library/okr/' });
    expect(updated.subject).toBe('Una nuova scadenza per il tuo accesso a OKRs');
    expect(updated.text).toContain('Nessuna scadenza');
    const revoked = await renderAccessNoticeEmail({ ...common, lang: 'en', change: 'revoked', accessUntilLabel: null, libraryUrl: 'https://drumbeat.example/library/' });
    expect(revoked.subject).toBe('Your access to OKRs has ended');
    expect(revoked.text).toContain('reply to this email');
    expect(revoked.text).not.toContain('Access until');
    expect(revoked.html).not.toContain('/library/okr/');
  });
});
