import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../../tests/helpers/content.ts';
import { t } from '../../i18n/text.ts';
import type { Lang } from '../core/site.ts';
import {
  renderConfirmEmail,
  renderDeadlineReminderEmail,
  renderNewsletterEmail,
  renderReceiptEmail,
  renderSaleNoticeEmail,
  renderSignInEmail,
  renderWelcomeEmail,
  UNSUBSCRIBE_PLACEHOLDER,
  type RenderedEmail,
} from './render.server.ts';

// Every email as spam filters (SpamAssassin's HTML_TITLE_SUBJ_DIFF) and the weakest clients
// (Outlook's Word engine, Gmail; caniemail's data) see it.

const SITE = 'https://drumbeat.example';
const common = { siteTitle: 'Drumbeat', authorName: 'Giulia Ferri' };

const all: Record<string, (lang: Lang) => Promise<RenderedEmail>> = {
  confirm: (lang) => renderConfirmEmail({ lang, ...common, confirmUrl: `${SITE}/subscribe/confirm?token=c&x=1` }),
  welcome: (lang) =>
    renderWelcomeEmail({
      lang, ...common, siteUrl: `${SITE}/`, unsubscribeUrl: `${SITE}/unsubscribe?token=u`,
      welcomeMarkdown: readFileSync(path.join(ROOT, 'content', 'welcome', `${lang}.md`), 'utf8'),
    }),
  newsletter: (lang) =>
    renderNewsletterEmail({
      lang, ...common, authorBio: 'Coach & writer', siteUrl: SITE, readOnlineUrl: `${SITE}/notes/205-x/`, unsubscribeUrl: UNSUBSCRIBE_PLACEHOLDER, fallbackNotice: false,
      note: { number: 205, title: 'Goals & "promises" <kept>', summary: 'Setting a goal takes an afternoon.', lang, dateLabel: 'November 23, 2026', body: 'Hello **there**. [Archive](/notes/)' },
      citations: {},
    }),
  // A Note ending with an <Offer> card, a <Testimonial> and a line <Offer> (issue 13).
  newsletterWithOffer: (lang) =>
    renderNewsletterEmail({
      lang, ...common, authorBio: 'Coach', siteUrl: SITE, readOnlineUrl: `${SITE}/notes/205-x/`, unsubscribeUrl: UNSUBSCRIBE_PLACEHOLDER, fallbackNotice: false,
      note: {
        number: 205, title: 'Three steps', summary: 'Setting a goal.', lang, dateLabel: 'November 23, 2026',
        body: 'Words.\n\n<Offer product="w">Yes, I want it</Offer>\n\nPS.\n\n<Testimonial product="w" />\n\n<Offer product="c" variant="line">Become a coach</Offer>\n',
      },
      citations: {},
      offers: {
        w: { state: 'open', kicker: 'Workshop recording', title: 'OKRs that survive March', summary: 'Three hours.', priceLabel: '€97.00', deadline: 'You have until 6 p.m. on Friday, March 26, 2027 to access the recording.', cta: 'Get the recording', url: '/workshops/w/' },
        c: { state: 'open', kicker: 'Certification', title: 'OKR Coach Certification', summary: 'Twelve weeks.', cta: 'Book your seat', url: '/certification/c/', line: 'Spring 2027 cohort, from Monday, March 1, 2027 · €1,200.00' },
      },
      testimonials: { 'w\0': { quote: 'We rewrote our objectives.', author: 'Marta Colombo', role: 'Head of Operations' } },
    }),
  receipt: (lang) =>
    renderReceiptEmail({
      lang, ...common, productTitle: "Goals that stick: Giulia's course", amountLabel: '€97.00', purchasedAtLabel: 'March 12, 2027', accessUntilLabel: null,
      signInUrl: `${SITE}/login/verify?token=s`, libraryUrl: `${SITE}/library/`, signInValidMinutes: 30,
    }),
  signIn: (lang) => renderSignInEmail({ lang, ...common, signInUrl: `${SITE}/login/verify?token=s`, validMinutes: 30 }),
  deadline: (lang) => renderDeadlineReminderEmail({ lang, ...common, productTitle: 'Goals', deadlineLabel: 'soon', daysLeft: 3, libraryUrl: `${SITE}/library/` }),
  saleNotice: (lang) =>
    renderSaleNoticeEmail({ lang, ...common, buyerEmail: 'ada@example.com', productTitle: 'Goals', amountLabel: '€97.00', cohortTitle: null, accessUntilLabel: null }),
};

const unescape = (s: string) => s.replace(/&quot;/g, '"').replace(/&#x27;|&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const styleOf = (tag: string) => /\sstyle="([^"]*)"/.exec(tag)?.[1] ?? '';

describe('every email', () => {
  for (const [name, render] of Object.entries(all)) {
    for (const lang of ['en', 'it'] as const) {
      it(`${name} (${lang}): the <title> is the subject; Outlook- and Gmail-safe markup`, async () => {
        const { subject, html, text } = await render(lang);
        // One <title>, inside <head>, holding exactly the subject.
        const titles = [...html.matchAll(/<title>([\s\S]*?)<\/title>/g)].map((m) => unescape(m[1]!));
        expect(titles).toEqual([subject]);
        expect(html.indexOf('<title>')).toBeLessThan(html.indexOf('</head>'));

        // Nothing relies on target (Gmail drops it), on opacity (Outlook ignores it) or on <body> styles.
        expect(html).not.toMatch(/\starget=/);
        expect(html).not.toMatch(/opacity/);
        const body = /<body\b[^>]*>/.exec(html)![0];
        expect(styleOf(body)).not.toMatch(/font|(^|;)color/);
        expect(html).toMatch(/<td[^>]*style="[^"]*font-family:[^"]*color|<td[^>]*style="[^"]*color:[^"]*font-family/);

        // A preheader (the welcome email had none), first in the body, hidden the ways Outlook and Gmail honour.
        const preheader = /<div style="([^"]*)" data-skip-in-text="true">/.exec(html);
        expect(preheader, 'a preheader').not.toBeNull();
        for (const rule of ['display:none', 'max-height:0', 'overflow:hidden', 'mso-hide:all']) expect(preheader![1]).toContain(rule);
        expect(html.indexOf(preheader![0])).toBeLessThan(html.indexOf('</table>'));
        expect(text).not.toMatch(/\u200c/);

        // Buttons are table cells with the colour on bgcolor; rounded corners only as a bonus.
        for (const m of html.matchAll(/<a\b[^>]*>/g)) {
          const style = styleOf(m[0]);
          if (!/background-color/.test(style)) continue;
          const before = html.slice(0, m.index);
          const cell = before.slice(before.lastIndexOf('<td'));
          expect(cell, 'a button outside a coloured cell').toMatch(/^<td[^>]*\sbgcolor="#[0-9a-f]{6}"[^>]*style="[^"]*mso-padding-alt:/);
        }
      });
    }
  }

  it('a button is a coloured table cell around its link', async () => {
    const { html } = await all.confirm!('en');
    expect(html).toMatch(/<td align="center" bgcolor="#a4341b"[^>]*>\s*<a href="https:\/\/drumbeat\.example\/subscribe\/confirm\?token=c&amp;x=1"/);
  });
});

// The README says which emails can be unsubscribed from; this keeps it true. The headers are
// checked where the emails are sent (tests/newsletter/subscribe.test.ts, deliver.test.ts); the
// visible link here, on the rendered templates.
describe('what the README says about unsubscribing', () => {
  const kinds: Record<string, keyof typeof all> = {
    newsletter: 'newsletter', welcome: 'welcome', confirmation: 'confirm', receipts: 'receipt',
    'sign-in links': 'signIn', 'access reminders': 'deadline', 'sale notices': 'saleNotice',
  };
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  /** README's table: row label, header?, visible link? */
  const rows = [...readme.slice(readme.indexOf('## The newsletter')).matchAll(/^\| ([^|]+) \| (yes|no)[^|]* \| (yes|no)[^|]* \|$/gm)].map(
    (m) => [m[1]!.trim(), m[2] === 'yes', m[3] === 'yes'] as const,
  );

  it('no longer claims that every email has an unsubscribe link', () => {
    expect(readme).not.toMatch(/Every email has `List-Unsubscribe`/);
    expect(t('en', 'privacy.rights')).not.toMatch(/^Every email has/);
  });

  it('names each kind of email, and its visible-link column matches the rendered email', async () => {
    for (const kind of Object.keys(kinds)) expect(rows.some(([label]) => label.includes(kind)), `README row for ${kind}`).toBe(true);
    for (const [label, header, link] of rows) {
      const matching = Object.keys(kinds).filter((k) => label.includes(k));
      expect(matching.length, label).toBeGreaterThan(0);
      for (const kind of matching) {
        const { html } = await all[kinds[kind]!]!('en');
        expect(/<a [^>]*>Unsubscribe<\/a>/.test(html), `${kind}: visible link`).toBe(link);
        // Transactional mail has no header either; the subscriber-facing kinds all have it.
        expect(header, `${kind}: header`).toBe(['newsletter', 'welcome', 'confirmation'].includes(kind));
      }
    }
  });
});
