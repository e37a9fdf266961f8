import { Heading, Text } from 'react-email';
import type { Lang } from '../src/i18n/lang.ts';
import { Layout } from './components/Layout.tsx';
import { t } from '../src/i18n/text.ts';
import { prose, small } from './components/theme.ts';

// To the author (ADMIN_EMAILS), once per paid purchase.
export interface SaleNoticeProps {
  /** Rendered as the HTML <title> too (render.server.ts decides it). */
  subject: string;
  lang: Lang;
  siteTitle: string;
  authorName: string;
  buyerEmail: string;
  productTitle: string;
  amountLabel: string;
  cohortTitle: string | null;
  accessUntilLabel: string | null;
  /** the receipt could not reach the buyer (an address nothing can be sent to): the author must act */
  buyerNotReached?: boolean;
  productId?: string;
}

export default function SaleNotice({ lang, subject, siteTitle, authorName, buyerEmail, productTitle, amountLabel, cohortTitle, accessUntilLabel, buyerNotReached, productId }: SaleNoticeProps) {
  return (
    <Layout lang={lang} subject={subject} siteTitle={siteTitle} authorName={authorName} preview={t(lang, 'email.saleLine', { buyer: buyerEmail, product: productTitle, amount: amountLabel })} reason="author">
      <Heading as="h1" style={{ ...prose.h1, margin: '0 0 16px' }}>{t(lang, 'email.saleHeading')}</Heading>
      <Text style={prose.p}>{t(lang, 'email.saleLine', { buyer: buyerEmail, product: productTitle, amount: amountLabel })}</Text>
      {cohortTitle ? <Text style={prose.p}>{t(lang, 'email.saleCohort', { cohort: cohortTitle })}</Text> : null}
      {accessUntilLabel ? <Text style={prose.p}>{t(lang, 'email.saleAccess', { until: accessUntilLabel })}</Text> : null}
      {buyerNotReached ? <Text style={{ ...prose.p, fontWeight: 'bold' }}>{t(lang, 'email.saleBuyerNotReached', { buyer: buyerEmail, product: productId ?? '' })}</Text> : null}
      <Text style={small}>{t(lang, 'email.saleList')}</Text>
    </Layout>
  );
}

SaleNotice.PreviewProps = {
  subject: 'New sale: OKRs that survive March: the workshop recording (€97.00)',
  lang: 'en',
  siteTitle: 'Drumbeat',
  authorName: 'Giulia Ferri',
  buyerEmail: 'ada@example.com',
  productTitle: 'OKRs that survive March: the workshop recording',
  amountLabel: '€97.00',
  cohortTitle: null,
  accessUntilLabel: '6 p.m. on Friday, March 26, 2027 (Italy Time)',
} satisfies SaleNoticeProps;
