import { Heading, Text } from 'react-email';
import type { Lang } from '../src/i18n/lang.ts';
import { ActionButton, UrlAsText } from './components/Actions.tsx';
import { Details } from './components/Details.tsx';
import { Layout } from './components/Layout.tsx';
import { t } from '../src/i18n/text.ts';
import { prose, small } from './components/theme.ts';

export interface ReceiptProps {
  /** Rendered as the HTML <title> too (render.server.ts decides it). */
  subject: string;
  lang: Lang;
  siteTitle: string;
  authorName: string;
  productTitle: string;
  /** A certification's cohort and its start, already formatted; null for a workshop. */
  cohortLabel?: string | null;
  /** Already formatted for the reader's language: "€97.00". */
  amountLabel: string;
  purchasedAtLabel: string;
  /** "6 p.m. on Friday, March 26, 2027 (Rome time)"; null when access has no end. */
  accessUntilLabel: string | null;
  /** A single-use sign-in link, valid for signInValidMinutes. */
  signInUrl: string;
  /** Where to ask for a new sign-in link once that one has expired. */
  libraryUrl: string;
  signInValidMinutes: number;
}

export default function Receipt({
  lang, subject, siteTitle, authorName, productTitle, cohortLabel, amountLabel, purchasedAtLabel, accessUntilLabel, signInUrl, libraryUrl, signInValidMinutes,
}: ReceiptProps) {
  const details: [string, string][] = [
    [t(lang, 'email.receiptProductLabel'), productTitle],
    ...(cohortLabel ? [[t(lang, 'email.cohortLabel'), cohortLabel] as [string, string]] : []),
    [t(lang, 'email.receiptAmountLabel'), amountLabel],
    [t(lang, 'email.receiptDateLabel'), purchasedAtLabel],
    accessUntilLabel === null ? [t(lang, 'email.receiptAccessLabel'), t(lang, 'email.receiptNoEnd')] : [t(lang, 'email.accessEndsLabel'), accessUntilLabel],
  ];
  return (
    <Layout lang={lang} subject={subject} siteTitle={siteTitle} authorName={authorName} preview={t(lang, 'email.receiptPreview', { product: productTitle })} reason="purchase">
      <Heading as="h1" style={{ ...prose.h1, margin: '0 0 16px' }}>{t(lang, 'email.receiptHeading')}</Heading>
      <Text style={prose.p}>{t(lang, 'email.receiptIntro', { product: productTitle, site: siteTitle })}</Text>
      <Details rows={details} />
      <ActionButton href={signInUrl}>{t(lang, 'email.libraryButton')}</ActionButton>
      <Text style={small}>{t(lang, 'email.signInOnce', { minutes: signInValidMinutes })}</Text>
      <Text style={small}>{t(lang, 'email.signInExpired')}</Text>
      <UrlAsText href={libraryUrl} />
      <Text style={small}>{t(lang, 'email.receiptInvoice')}</Text>
    </Layout>
  );
}

Receipt.PreviewProps = {
  subject: 'Your receipt: Goals that stick: the twelve-week course',
  lang: 'en',
  siteTitle: 'Drumbeat',
  authorName: 'Giulia Ferri',
  productTitle: 'Goals that stick: the twelve-week course',
  amountLabel: '€97.00',
  purchasedAtLabel: 'March 12, 2027',
  accessUntilLabel: '6 p.m. on Friday, March 26, 2027 (Rome time)',
  signInUrl: 'http://localhost:4321/library/sign-in?token=preview-token',
  libraryUrl: 'http://localhost:4321/library/',
  signInValidMinutes: 30,
} satisfies ReceiptProps;
