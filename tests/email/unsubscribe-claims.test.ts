import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { t } from '../../src/i18n/text.ts';
import {
  renderConfirmEmail,
  renderDeadlineReminderEmail,
  renderNewsletterEmail,
  renderReceiptEmail,
  renderSaleNoticeEmail,
  renderSignInEmail,
  renderWelcomeEmail,
} from '../../src/lib/email/render.server.ts';
import { ROOT } from '../helpers/content.ts';

// The README says which emails can be unsubscribed from; this keeps it true. The headers are
// checked where the emails are sent (tests/newsletter/subscribe.test.ts, deliver.test.ts); the
// visible link here, on the rendered templates.

const SITE = 'https://drumbeat.example';
const common = { lang: 'en' as const, siteTitle: 'Drumbeat', authorName: 'Giulia Ferri' };
const UNSUB = `${SITE}/unsubscribe?token=u`;

const rendered = {
  newsletter: () =>
    renderNewsletterEmail({
      ...common, authorBio: '', siteUrl: SITE, readOnlineUrl: `${SITE}/n/`, unsubscribeUrl: UNSUB, fallbackNotice: false, citations: {},
      note: { number: 1, title: 'T', summary: 'S', lang: 'en', dateLabel: 'today', body: 'Hi.' },
    }),
  welcome: () => renderWelcomeEmail({ ...common, siteUrl: SITE, unsubscribeUrl: UNSUB, welcomeMarkdown: '# Welcome\n\nHi.' }),
  confirmation: () => renderConfirmEmail({ ...common, confirmUrl: `${SITE}/subscribe/confirm?token=c` }),
  receipts: () =>
    renderReceiptEmail({ ...common, productTitle: 'P', amountLabel: '€1', purchasedAtLabel: 'today', accessUntilLabel: null, signInUrl: `${SITE}/l`, libraryUrl: `${SITE}/library/`, signInValidMinutes: 30 }),
  'sign-in links': () => renderSignInEmail({ ...common, signInUrl: `${SITE}/l`, validMinutes: 30 }),
  'access reminders': () => renderDeadlineReminderEmail({ ...common, productTitle: 'P', deadlineLabel: 'soon', daysLeft: 2, libraryUrl: `${SITE}/library/` }),
  'sale notices': () => renderSaleNoticeEmail({ ...common, buyerEmail: 'a@example.com', productTitle: 'P', amountLabel: '€1', cohortTitle: null, accessUntilLabel: null }),
};

/** README's table: row label → [header?, visible link?]. */
function readmeTable(): [string, boolean, boolean][] {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## The newsletter'));
  return [...section.matchAll(/^\| ([^|]+) \| (yes|no)[^|]* \| (yes|no)[^|]* \|$/gm)].map((m) => [m[1]!.trim(), m[2] === 'yes', m[3] === 'yes']);
}

describe('what the README says about unsubscribing', () => {
  it('no longer claims that every email has an unsubscribe link', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    expect(readme).not.toMatch(/Every email has `List-Unsubscribe`/);
    expect(t('en', 'privacy.rights')).not.toMatch(/^Every email has/);
  });

  it('names each kind of email, and its visible-link column matches the rendered email', async () => {
    const rows = readmeTable();
    const kinds = Object.keys(rendered);
    for (const kind of kinds) expect(rows.some(([label]) => label.includes(kind)), `README row for ${kind}`).toBe(true);
    for (const [label, header, link] of rows) {
      const matching = kinds.filter((k) => label.includes(k));
      expect(matching.length, label).toBeGreaterThan(0);
      for (const kind of matching) {
        const { html } = await rendered[kind as keyof typeof rendered]();
        expect(html.includes(`href="${UNSUB}"`), `${kind}: visible link`).toBe(link);
        // Transactional mail has no header either; the subscriber-facing kinds all have it.
        expect(header, `${kind}: header`).toBe(['newsletter', 'welcome', 'confirmation'].includes(kind));
      }
    }
  });
});
