import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../../tests/helpers/content.ts';
import { noteFrontmatterSchema } from '../notes/frontmatter.ts';
import { splitFrontmatter } from '../notes/validate.ts';
import { loadSiteConfig, type Lang } from '../core/site.ts';
import { smartenText } from './smart-punctuation.ts';
import {
  personalize,
  renderConfirmEmail,
  renderDeadlineReminderEmail,
  renderNewsletterEmail,
  renderReceiptEmail,
  renderSignInEmail,
  renderWelcomeEmail,
  UNSUBSCRIBE_PLACEHOLDER,
  type RenderedEmail,
} from './render.server.ts';

const site = loadSiteConfig(path.join(ROOT, 'content'));
const SITE = 'https://drumbeat.example';
const common = { siteTitle: site.title, authorName: site.author.name };
const langs: Lang[] = ['en', 'it'];

const decode = (s: string) => s.replaceAll('&amp;', '&');
const urlsIn = (html: string) => [...html.matchAll(/\s(?:href|src)="([^"]*)"/g)].map((m) => decode(m[1]!));
const count = (s: string, needle: string) => s.split(needle).length - 1;

/** What every email must be: self-contained, script-free, inline-styled, with a tag-free text part. */
function expectEmailSafe({ html, text }: RenderedEmail) {
  expect(count(html, '<!DOCTYPE')).toBe(1);
  expect(html).not.toMatch(/<script/i);
  expect(html).not.toMatch(/<style/i);
  expect(html).not.toMatch(/\sclass(Name)?=/);
  expect(html).not.toMatch(/\son[a-z]+=/i);
  const urls = urlsIn(html);
  expect(urls.length).toBeGreaterThan(0);
  for (const url of urls) expect(url, `relative or odd URL: ${url}`).toMatch(/^(https?:\/\/|mailto:)/);
  for (const tag of html.match(/<(p|a|h[1-3]|li|ul|ol|blockquote)\b[^>]*>/g) ?? []) expect(tag).toMatch(/\sstyle="[^"]+"/);
  expect(html).toMatch(/max-width:600px/);
  expect(text).not.toMatch(/<\/?[a-z][^>]*>/i);
}

describe('confirmation email', () => {
  for (const lang of langs) {
    it(`${lang}: subject, button and link to the confirm URL, the ignore line`, async () => {
      const confirmUrl = `${SITE}/subscribe/confirm?token=abc&lang=${lang}`;
      const email = await renderConfirmEmail({ lang, ...common, confirmUrl });
      expect(email.subject).toBe(lang === 'en' ? 'Confirm your subscription to Drumbeat' : 'Conferma la tua iscrizione a Drumbeat');
      expect(count(email.html, `href="${confirmUrl.replace('&', '&amp;')}"`)).toBe(2); // the button and the link as text
      expect(email.html).toContain(lang === 'en' ? 'Confirm subscription' : 'Conferma l’iscrizione');
      expect(email.text).toContain(confirmUrl);
      expect(email.text).toContain(lang === 'en' ? 'If you didn’t ask to subscribe, ignore this email' : 'Se non hai chiesto tu l’iscrizione, ignora questa email');
      expect(email.text).toContain('Giulia Ferri');
      expect(email.html).toContain(`lang="${lang}"`);
      expect(email.html).not.toContain(`lang="${lang === 'en' ? 'it' : 'en'}"`);
      expectEmailSafe(email);
    });
  }

  it('promises the lead magnet only when there is one', async () => {
    const confirmUrl = `${SITE}/c?t=1`;
    const withMagnet = await renderConfirmEmail({ lang: 'it', ...common, confirmUrl, leadMagnet: { title: 'Il foglio degli obiettivi' } });
    expect(withMagnet.text).toContain('Il tuo download gratuito, «Il foglio degli obiettivi», arriva appena confermi.');
    const without = await renderConfirmEmail({ lang: 'it', ...common, confirmUrl });
    expect(without.text).not.toContain('download');
  });

  it('refuses a language it has no words for, rather than mailing the wrong one', async () => {
    await expect(renderConfirmEmail({ lang: 'de' as Lang, ...common, confirmUrl: `${SITE}/c` })).rejects.toThrow('no reader text for language "de"');
    await expect(renderConfirmEmail({ lang: 'toString' as Lang, ...common, confirmUrl: `${SITE}/c` })).rejects.toThrow();
  });
});

describe('welcome email', () => {
  for (const lang of langs) {
    it(`${lang}: subject from the author's heading, body, unsubscribe and lead magnet links`, async () => {
      const welcomeMarkdown = readFileSync(path.join(ROOT, 'content', 'welcome', `${lang}.md`), 'utf8');
      const unsubscribeUrl = `${SITE}/unsubscribe?token=u1&lang=${lang}`;
      const leadMagnet = { title: 'Goal worksheet', url: `${SITE}/downloads/worksheet.pdf` };
      const email = await renderWelcomeEmail({ lang, ...common, welcomeMarkdown, siteUrl: `${SITE}/`, unsubscribeUrl, leadMagnet });
      expect(email.subject).toBe(lang === 'en' ? 'Welcome to Drumbeat' : 'Ti do il benvenuto su Drumbeat');
      expect(email.text).not.toContain(email.subject); // the heading became the subject, not a line of the body
      expect(email.text).toContain(lang === 'en' ? 'Every Monday at 7:00' : 'Ogni lunedì alle 7:00');
      expect(email.html).toMatch(/<strong>(Every Monday at 7:00|Ogni lunedì alle 7:00)<\/strong>/);
      expect(email.html).toContain(`href="${unsubscribeUrl.replace('&', '&amp;')}"`);
      expect(email.html).toContain(`href="${leadMagnet.url}"`);
      expect(email.text).toContain(lang === 'en' ? 'Unsubscribe' : 'Annulla l’iscrizione');
      expectEmailSafe(email);
    });
  }

  it('falls back to a generic subject, resolves relative links and drops raw HTML', async () => {
    const email = await renderWelcomeEmail({
      lang: 'en', ...common, siteUrl: SITE, unsubscribeUrl: `${SITE}/u`,
      welcomeMarkdown: 'Hello.\n\n## Not the subject\n\nSee [the archive](/notes/). <script>alert(1)</script>\n',
    });
    expect(email.subject).toBe('Welcome to Drumbeat');
    expect(email.html).toContain(`href="${SITE}/notes/"`);
    expectEmailSafe(email);
  });
});

describe('newsletter email', () => {
  const source = readFileSync(path.join(ROOT, 'content', 'notes', 'en', '205-three-steps.mdx'), 'utf8');
  const { data, body } = splitFrontmatter(source)!;
  const fm = noteFrontmatterSchema.parse(data);
  const citations = {
    194: { title: 'The goal that fits on a sticky note', url: '/notes/194-goal-on-a-sticky-note/' },
    200: { title: 'Measure the thing, not the activity', url: `${SITE}/notes/200-measure-the-thing/` },
    // 204 is left out: not public yet when this Note goes out.
  };
  const render = (lang: Lang, fallbackNotice: boolean) =>
    renderNewsletterEmail({
      lang, ...common, authorBio: site.author.bio[lang]!, signature: site.author.signature.en,
      note: { number: fm.number, title: fm.title, summary: fm.summary, lang: 'en', dateLabel: lang === 'en' ? 'November 23, 2026' : '23 novembre 2026', body },
      citations, siteUrl: SITE, readOnlineUrl: `${SITE}/notes/205-three-steps/`, unsubscribeUrl: UNSUBSCRIBE_PLACEHOLDER, fallbackNotice,
    });
  let en: RenderedEmail;
  let it_: RenderedEmail;
  beforeAll(async () => {
    [en, it_] = await Promise.all([render('en', false), render('it', true)]);
  });

  it('ends the Note with the author’s signature line and name, in the Note’s language, before the footer', () => {
    for (const email of [en, it_]) {
      const at = email.text.indexOf('See you on Monday,');
      // After the Note's last paragraph.
      const last = email.text.indexOf('One of the managers who took part wrote to me afterwards');
      expect(last, email.subject).toBeGreaterThan(0);
      expect(at, email.subject).toBeGreaterThan(last);
      expect(email.text.slice(at, at + 40)).toMatch(/^See you on Monday,\s+Giulia Ferri/);
    }
  });

  it('has the numbered subject in the subscriber\'s language', () => {
    expect(en.subject).toBe('Note №205: Three steps to a goal you keep');
    expect(it_.subject).toBe('Nota №205: Three steps to a goal you keep');
  });

  it('carries the whole Note: kicker, title, date, every paragraph, read-online link', () => {
    expect(en.text).toContain('Note №205');
    expect(en.text).toContain('November 23, 2026');
    expect(en.html).toContain(`href="${SITE}/notes/205-three-steps/"`);
    const paragraphs = body.split(/\n{2,}/).map((p) => p.trim()).filter((p) => p && !/^(#|- )/.test(p) && !p.includes('<'));
    expect(paragraphs.length).toBeGreaterThan(15);
    // With the web's smart punctuation (I’m, “…”): the same text the Note's page shows.
    for (const p of paragraphs) expect(en.text).toContain(smartenText(p.replaceAll('**', '')));
    for (const h of body.match(/^## .+$/gm)!) expect(en.html).toContain(`${h.slice(3)}</h2>`);
    expect(en.html).toContain('<strong>one sentence</strong>');
    expect(en.text).toContain(' * **Named but not numbered**'.replaceAll('**', ''));
  });

  it('renders NoteRefs as links to the cited Notes, and an unpublished one without a link', () => {
    expect(en.html).toMatch(new RegExp(`<a href="${SITE}/notes/194-goal-on-a-sticky-note/" style="[^"]+">Note №194, <cite>The goal that fits on a sticky note</cite></a>`));
    expect(en.html).toMatch(new RegExp(`<a href="${SITE}/notes/200-measure-the-thing/" style="[^"]+">Note №200, <cite>Measure the thing, not the activity</cite></a>`));
    expect(en.text).toContain('I described the version I recommend in a forthcoming Note:');
    expect(en.html).not.toContain('Note №204');
  });

  it('says so in Italian when the Note comes in its original language', () => {
    expect(it_.text).toContain('Questa Nota non è ancora disponibile in italiano: eccola nella lingua originale.');
    expect(it_.text).toContain('Leggi online');
    expect(it_.text).toContain(site.author.bio.it!);
    expect(it_.html).toContain('<div lang="en">'); // the body is marked as English inside an Italian email
    expect(en.text).not.toContain('original language');
  });

  it('leaves the unsubscribe placeholder verbatim, and personalize() replaces every one', () => {
    for (const email of [en, it_]) {
      expect(count(email.html, `href="${UNSUBSCRIBE_PLACEHOLDER}"`)).toBeGreaterThan(0);
      expect(count(email.text, UNSUBSCRIBE_PLACEHOLDER)).toBeGreaterThan(0);
      const url = `${SITE}/unsubscribe?token=x$&y&lang=it`; // `$&` would expand in a naive String.replace
      const mine = personalize(email, url);
      expect(mine.subject).toBe(email.subject);
      expect(mine.html).not.toContain(UNSUBSCRIBE_PLACEHOLDER);
      expect(mine.text).not.toContain(UNSUBSCRIBE_PLACEHOLDER);
      expect(count(mine.html, `href="${url.replaceAll('&', '&amp;')}"`)).toBe(count(email.html, UNSUBSCRIBE_PLACEHOLDER));
      expect(count(mine.text, url)).toBe(count(email.text, UNSUBSCRIBE_PLACEHOLDER));
      expectEmailSafe(mine);
    }
  });

  it('personalizes 10,000 copies at well under 0.5 ms each', () => {
    personalize(en, `${SITE}/unsubscribe?token=warm-up`);
    const n = 10_000;
    const started = performance.now();
    let bytes = 0;
    for (let i = 0; i < n; i++) bytes += personalize(en, `${SITE}/unsubscribe?token=${i}&s=${i * 7}`).html.length;
    const perEmail = (performance.now() - started) / n;
    console.info(`personalize: ${(perEmail * 1000).toFixed(1)} µs per email (${en.html.length} bytes of HTML)`);
    expect(bytes).toBeGreaterThan(n * en.html.length);
    expect(perEmail).toBeLessThan(0.5);
  });
});

/** Purchase emails are built from many labels: a missing one must not show up as a word. */
function expectNoBlanks({ subject, html, text }: RenderedEmail) {
  for (const part of [subject, html, text]) expect(part).not.toMatch(/\bundefined\b|\bnull\b|\bNaN\b|\[object /);
}

const deadlineLabels: Record<Lang, string> = {
  en: '6 p.m. on Friday, March 26, 2027 (Rome time)',
  it: 'venerdì 26 marzo 2027 alle 18 (ora di Roma)',
};

describe('receipt email', () => {
  const input = (lang: Lang) => ({
    lang, ...common,
    productTitle: 'Goals that stick',
    amountLabel: '€97.00',
    purchasedAtLabel: lang === 'en' ? 'March 12, 2027' : '12 marzo 2027',
    accessUntilLabel: deadlineLabels[lang] as string | null,
    signInUrl: `${SITE}/library/sign-in?token=s1&lang=${lang}`,
    libraryUrl: `${SITE}/${lang === 'en' ? '' : 'it/'}library/`,
    signInValidMinutes: 30,
  });

  for (const lang of langs) {
    it(`${lang}: subject, purchase details, sign-in button, expired-link and invoice notes`, async () => {
      const { signInUrl, libraryUrl, ...rest } = input(lang);
      const email = await renderReceiptEmail({ ...rest, signInUrl, libraryUrl });
      expect(email.subject).toBe(lang === 'en' ? 'Your receipt: Goals that stick' : 'La tua ricevuta: Goals that stick');
      expect(count(email.html, `href="${signInUrl.replace('&', '&amp;')}"`)).toBe(1);
      expect(count(email.html, `href="${libraryUrl}"`)).toBe(1);
      expect(email.html).toContain(lang === 'en' ? 'Open your library' : 'Apri la tua libreria');
      expect(email.text).toContain(signInUrl);
      expect(email.text).toContain(libraryUrl);
      expect(email.html).toContain(deadlineLabels[lang]);
      expect(email.text).toContain(lang === 'en' ? `Access ends: ${deadlineLabels.en}` : `Scadenza dell’accesso: ${deadlineLabels.it}`);
      expect(email.text).toContain(lang === 'en' ? 'Amount paid: €97.00' : 'Importo pagato: €97.00');
      expect(email.text).toContain(lang === 'en' ? 'Date: March 12, 2027' : 'Data: 12 marzo 2027');
      expect(email.text).toContain(lang === 'en' ? 'It works once, within 30 minutes' : 'Funziona una volta sola, entro 30 minuti');
      expect(email.text).toContain(lang === 'en' ? 'If the link has expired' : 'Se il link è scaduto');
      expect(email.text).toContain('Stripe');
      expect(email.text).toContain(lang === 'en' ? 'You receive this because of your purchase at Drumbeat.' : 'Ricevi questa email per il tuo acquisto su Drumbeat.');
      expect(email.text).not.toContain(lang === 'en' ? 'Unsubscribe' : 'Annulla l’iscrizione'); // transactional
      expect(email.html).toContain(`lang="${lang}"`);
      expect(email.html).not.toContain(`lang="${lang === 'en' ? 'it' : 'en'}"`);
      expectEmailSafe(email);
      expectNoBlanks(email);
    });
  }

  it('says there is no end date when access lasts for ever', async () => {
    const en = await renderReceiptEmail({ ...input('en'), accessUntilLabel: null });
    expect(en.text).toContain('Access: No end date');
    expect(en.text).not.toContain('Access ends');
    expectNoBlanks(en);
    const it_ = await renderReceiptEmail({ ...input('it'), accessUntilLabel: null, signInValidMinutes: 1 });
    expect(it_.text).toContain('Accesso: Nessuna scadenza');
    expect(it_.text).toContain('entro 1 minuto da questa email');
    expectNoBlanks(it_);
  });

  it('refuses an unknown language or a nonsense validity', async () => {
    await expect(renderReceiptEmail({ ...input('en'), lang: 'de' as Lang })).rejects.toThrow('no reader text for language "de"');
    await expect(renderReceiptEmail({ ...input('en'), signInValidMinutes: 0 })).rejects.toThrow('signInValidMinutes');
  });
});

describe('sign-in email', () => {
  for (const lang of langs) {
    it(`${lang}: subject, button and link to the sign-in URL, validity and ignore lines`, async () => {
      const signInUrl = `${SITE}/library/sign-in?token=s2&lang=${lang}`;
      const email = await renderSignInEmail({ lang, ...common, signInUrl, validMinutes: 15 });
      expect(email.subject).toBe(lang === 'en' ? 'Your sign-in link for Drumbeat' : 'Il tuo link di accesso a Drumbeat');
      expect(count(email.html, `href="${signInUrl.replace('&', '&amp;')}"`)).toBe(2); // the button and the link as text
      expect(email.text).toContain(signInUrl);
      expect(email.text).toContain(lang === 'en' ? 'It works once, within 15 minutes' : 'Funziona una volta sola, entro 15 minuti');
      expect(email.text).toContain(lang === 'en' ? 'If you didn’t ask to sign in, ignore this email' : 'Se non hai chiesto tu di accedere, ignora questa email');
      expect(email.text).toContain(lang === 'en' ? 'someone asked to sign in to Drumbeat' : 'qualcuno ha chiesto di accedere a Drumbeat');
      expect(email.html).toContain(`lang="${lang}"`);
      expectEmailSafe(email);
      expectNoBlanks(email);
    });
  }

  it('refuses a validity that is not a whole number of minutes', async () => {
    await expect(renderSignInEmail({ lang: 'en', ...common, signInUrl: `${SITE}/s`, validMinutes: Number.NaN })).rejects.toThrow('validMinutes');
  });
});

describe('deadline reminder email', () => {
  const subjects: Record<Lang, Record<number, string>> = {
    en: { 7: '7 days left to watch Goals that stick', 1: '1 day left to watch Goals that stick' },
    it: { 7: 'Ancora 7 giorni per guardare Goals that stick', 1: 'Ultimo giorno per guardare Goals that stick' },
  };
  for (const lang of langs) {
    for (const daysLeft of [7, 1]) {
      it(`${lang}, ${daysLeft} day(s) left: subject, exact deadline, library button`, async () => {
        const libraryUrl = `${SITE}/library/?from=reminder&lang=${lang}`;
        const email = await renderDeadlineReminderEmail({ lang, ...common, productTitle: 'Goals that stick', deadlineLabel: deadlineLabels[lang], daysLeft, libraryUrl });
        expect(email.subject).toBe(subjects[lang][daysLeft]);
        expect(email.html).toContain(deadlineLabels[lang]);
        expect(email.text).toContain(deadlineLabels[lang]);
        expect(count(email.html, `href="${libraryUrl.replace('&', '&amp;')}"`)).toBe(1);
        expect(email.text).toContain(libraryUrl);
        expect(email.text).toContain(lang === 'en' ? 'Open your library' : 'Apri la tua libreria');
        if (daysLeft === 7) expect(email.text).toContain(lang === 'en' ? 'ends in 7 days' : 'scade tra 7 giorni');
        else expect(email.text).toContain(lang === 'en' ? 'is about to end' : 'sta per scadere');
        expect(email.text).toContain(lang === 'en' ? 'because of your purchase at Drumbeat' : 'per il tuo acquisto su Drumbeat');
        expect(email.html).toContain(`lang="${lang}"`);
        expectEmailSafe(email);
        expectNoBlanks(email);
      });
    }
  }

  it('refuses a day count that is not a positive whole number', async () => {
    const base = { lang: 'en' as Lang, ...common, productTitle: 'X', deadlineLabel: 'soon', libraryUrl: `${SITE}/library/` };
    for (const daysLeft of [0, -1, 1.5, Number.NaN]) await expect(renderDeadlineReminderEmail({ ...base, daysLeft })).rejects.toThrow('daysLeft');
  });
});

describe('renderSaleNoticeEmail', () => {
  it.each(['en', 'it'] as const)('tells the author who bought what, in %s', async (lang) => {
    const { renderSaleNoticeEmail } = await import('./render.server.ts');
    const email = await renderSaleNoticeEmail({ lang, siteTitle: 'Drumbeat', authorName: 'Giulia Ferri', buyerEmail: 'ada@example.com', productTitle: 'Workshop', amountLabel: '€97.00', cohortTitle: null, accessUntilLabel: 'soon' });
    expect(email.subject).toBe(lang === 'en' ? 'New sale: Workshop (€97.00)' : 'Nuova vendita: Workshop (€97.00)');
    expect(email.text).toContain('ada@example.com');
    expect(email.text).not.toMatch(/undefined|null/);
  });
});
