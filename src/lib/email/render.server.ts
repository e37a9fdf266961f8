// The one module the rest of the code calls to turn an email into { subject, html, text }.
import { createElement, type ReactElement } from 'react';
import { render } from 'react-email';
import AccessNotice, { type AccessNoticeProps } from '../../../emails/AccessNotice.tsx';
import Certificate, { type CertificateProps } from '../../../emails/Certificate.tsx';
import Confirm, { type ConfirmProps } from '../../../emails/Confirm.tsx';
import DeadlineReminder, { type DeadlineReminderProps } from '../../../emails/DeadlineReminder.tsx';
import SaleNotice, { type SaleNoticeProps } from '../../../emails/SaleNotice.tsx';
import Newsletter, { type NewsletterProps } from '../../../emails/Newsletter.tsx';
import Receipt, { type ReceiptProps } from '../../../emails/Receipt.tsx';
import SignIn, { type SignInProps } from '../../../emails/SignIn.tsx';
import Welcome, { type WelcomeProps } from '../../../emails/Welcome.tsx';
import type { Lang } from '../../i18n/lang.ts';
import { t } from '../../i18n/text.ts';
import { markdownElement, noteBodyElement, type BodyOptions, type Citations } from './note-mdx.server.ts';

export type { Citation, Citations } from './note-mdx.server.ts';

// The strings half (the type, the placeholder, personalize) lives in ./rendered.ts, which the
// sender loads without React.
export { escapeAttribute, personalize, UNSUBSCRIBE_PLACEHOLDER, type RenderedEmail } from './rendered.ts';
import type { RenderedEmail } from './rendered.ts';

// html-to-text shouts headings in capitals by default; a Note's headings read better as written.
const textOptions = {
  plainText: true,
  htmlToTextOptions: { selectors: ['h1', 'h2', 'h3'].map((selector) => ({ selector, options: { uppercase: false } })) },
} as const;

async function finish(subject: string, element: ReactElement): Promise<RenderedEmail> {
  const [html, text] = await Promise.all([render(element), render(element, textOptions)]);
  return { subject, html, text };
}

// render() makes a document (doctype, Suspense markers); the welcome text goes inside another one.
// (react-dom/server's renderToStaticMarkup would do, but the project has no @types/react-dom.)
async function fragmentHtml(element: ReactElement): Promise<string> {
  return (await render(element)).replace(/^<!DOCTYPE[^>]*>(?:<!--\$-->)?/, '').replace(/<!--\/\$-->$/, '');
}

// The subject is decided here and handed to the template, which also makes it the <title>.
type WithLang<T> = Omit<T, 'lang' | 'subject'> & { lang: Lang };

// Counts go into the words ("30 minutes", "7 days left"): a NaN or a zero is a bug upstream too.
function positiveInteger(name: string, n: number): number {
  if (Number.isInteger(n) && n > 0) return n;
  throw new Error(`${name} must be a positive integer, got ${n}`);
}

export type ConfirmInput = WithLang<ConfirmProps>;

export async function renderConfirmEmail(input: ConfirmInput): Promise<RenderedEmail> {
  // t() refuses a language it has no words for, before anything is rendered.
  const lang = input.lang;
  const subject = t(lang, 'email.confirmSubject', { site: input.siteTitle });
  return finish(subject, createElement(Confirm, { ...input, lang, subject }));
}

export type ReceiptInput = WithLang<ReceiptProps>;

export async function renderReceiptEmail(input: ReceiptInput): Promise<RenderedEmail> {
  // t() refuses a language it has no words for, before anything is rendered.
  const lang = input.lang;
  positiveInteger('signInValidMinutes', input.signInValidMinutes);
  const subject = t(lang, 'email.receiptSubject', { product: input.productTitle });
  return finish(subject, createElement(Receipt, { ...input, lang, subject }));
}

export type SignInInput = WithLang<SignInProps>;

export async function renderSignInEmail(input: SignInInput): Promise<RenderedEmail> {
  // t() refuses a language it has no words for, before anything is rendered.
  const lang = input.lang;
  positiveInteger('validMinutes', input.validMinutes);
  const subject = t(lang, 'email.signInSubject', { site: input.siteTitle });
  return finish(subject, createElement(SignIn, { ...input, lang, subject }));
}

export type DeadlineReminderInput = WithLang<DeadlineReminderProps>;

export async function renderDeadlineReminderEmail(input: DeadlineReminderInput): Promise<RenderedEmail> {
  // t() refuses a language it has no words for, before anything is rendered.
  const lang = input.lang;
  const days = positiveInteger('daysLeft', input.daysLeft);
  const subject = t(lang, 'email.deadlineSubject', { product: input.productTitle, days });
  return finish(subject, createElement(DeadlineReminder, { ...input, lang, subject }));
}

export type AccessNoticeInput = WithLang<AccessNoticeProps>;

const ACCESS_SUBJECTS = { granted: 'email.accessGrantedSubject', updated: 'email.accessUpdatedSubject', revoked: 'email.accessRevokedSubject' } as const;

export async function renderAccessNoticeEmail(input: AccessNoticeInput): Promise<RenderedEmail> {
  // t() refuses a language it has no words for, before anything is rendered.
  const lang = input.lang;
  const subject = t(lang, ACCESS_SUBJECTS[input.change], { product: input.productTitle });
  return finish(subject, createElement(AccessNotice, { ...input, lang, subject }));
}

export type CertificateInput = WithLang<CertificateProps>;

export async function renderCertificateEmail(input: CertificateInput): Promise<RenderedEmail> {
  // t() refuses a language it has no words for, before anything is rendered.
  const lang = input.lang;
  const subject = t(lang, 'email.certificateSubject', { programme: input.programme });
  return finish(subject, createElement(Certificate, { ...input, lang, subject }));
}

export type SaleNoticeInput = WithLang<SaleNoticeProps>;

export async function renderSaleNoticeEmail(input: SaleNoticeInput): Promise<RenderedEmail> {
  // t() refuses a language it has no words for, before anything is rendered.
  const lang = input.lang;
  const subject = t(lang, 'email.saleSubject', { product: input.productTitle, amount: input.amountLabel });
  return finish(subject, createElement(SaleNotice, { ...input, lang, subject }));
}

export interface WelcomeInput extends WithLang<Omit<WelcomeProps, 'welcomeHtml'>> {
  /** content/welcome/<lang>.md: its first `# ` heading is the subject, the rest the body. */
  welcomeMarkdown: string;
}

export async function renderWelcomeEmail({ welcomeMarkdown, ...input }: WelcomeInput): Promise<RenderedEmail> {
  // t() refuses a language it has no words for, before anything is rendered.
  const lang = input.lang;
  const heading = /^#[ \t]+(.+?)[ \t#]*$/m.exec(welcomeMarkdown);
  const subject = heading?.[1]?.trim() || t(lang, 'email.welcomeSubject', { site: input.siteTitle });
  const body = heading ? welcomeMarkdown.slice(0, heading.index) + welcomeMarkdown.slice(heading.index + heading[0].length) : welcomeMarkdown;
  const welcomeHtml = await fragmentHtml(await markdownElement(body, { lang, siteUrl: input.siteUrl }));
  return finish(subject, createElement(Welcome, { ...input, lang, subject, welcomeHtml }));
}

export interface NewsletterInput extends WithLang<Omit<NewsletterProps, 'note' | 'children' | 'siteUrl'>> {
  /** `body` is the Note's MDX after the frontmatter; `lang` the language it is written in. */
  note: WithLang<NewsletterProps['note']> & { body: string };
  /** Titles and URLs of the Notes the body cites with <NoteRef>; a missing entry is not public yet. */
  citations: Citations;
  /** What the body's <Offer> and <Testimonial> show, decided when the send renders. */
  offers?: BodyOptions['offers'];
  testimonials?: BodyOptions['testimonials'];
  siteUrl: string;
  /** The author's test copy (`newsletter send --test`): "[Test]" in the subject, and so in the <title>. */
  test?: boolean;
}

export async function renderNewsletterEmail({ note: { body, ...note }, citations, offers, testimonials, test = false, ...input }: NewsletterInput): Promise<RenderedEmail> {
  // t() refuses a language it has no words for, before anything is rendered.
  const lang = input.lang;
  const noteLang = note.lang;
  const children = await noteBodyElement(body, { lang: noteLang, siteUrl: input.siteUrl, citations, offers, testimonials });
  const subject = `${test ? '[Test] ' : ''}${t(lang, 'note.label')} №${note.number}: ${note.title}`;
  return finish(subject, createElement(Newsletter, { ...input, lang, subject, note: { ...note, lang: noteLang }, children }));
}

