import { Heading, Text } from 'react-email';
import type { Lang } from '../src/i18n/lang.ts';
import { ActionButton, UrlAsText } from './components/Actions.tsx';
import { Details } from './components/Details.tsx';
import { Layout } from './components/Layout.tsx';
import { t } from '../src/i18n/text.ts';
import { prose, small } from './components/theme.ts';

export interface CertificateProps {
  /** Rendered as the HTML <title> too (render.server.ts decides it). */
  subject: string;
  lang: Lang;
  siteTitle: string;
  authorName: string;
  /** the name printed on the certificate */
  name: string;
  programme: string;
  /** "Spring 2027 cohort, from 9 a.m. on Monday, March 1, 2027 (Italy Time)"; null without a cohort */
  cohortLabel: string | null;
  issuedLabel: string;
  /** the certificate's page, in the participant's language */
  certificateUrl: string;
}

/** The author marked a participant qualified (`drumbeat certify` or the dashboard). */
export default function Certificate({ lang, subject, siteTitle, authorName, name, programme, cohortLabel, issuedLabel, certificateUrl }: CertificateProps) {
  const intro = t(lang, 'email.certificateIntro', { programme, author: authorName });
  const details: [string, string][] = [
    [t(lang, 'certificate.nameLabel'), name],
    [t(lang, 'certificate.programmeLabel'), programme],
    ...(cohortLabel ? [[t(lang, 'certificate.cohortLabel'), cohortLabel] as [string, string]] : []),
    [t(lang, 'certificate.dateLabel'), issuedLabel],
  ];
  return (
    <Layout lang={lang} subject={subject} siteTitle={siteTitle} authorName={authorName} preview={intro} reason="purchase">
      <Heading as="h1" style={{ ...prose.h1, margin: '0 0 16px' }}>{t(lang, 'email.certificateHeading', { name })}</Heading>
      <Text style={prose.p}>{intro}</Text>
      <Details rows={details} />
      <ActionButton href={certificateUrl}>{t(lang, 'email.certificateButton')}</ActionButton>
      <Text style={small}>{t(lang, 'email.certificateShare')}</Text>
      <UrlAsText href={certificateUrl} />
    </Layout>
  );
}

Certificate.PreviewProps = {
  subject: 'Your certificate: OKR Coach Certification',
  lang: 'en',
  siteTitle: 'Drumbeat',
  authorName: 'Giulia Ferri',
  name: 'Ada Lovelace',
  programme: 'OKR Coach Certification',
  cohortLabel: 'Spring 2027 cohort, from March 1, 2027',
  issuedLabel: 'June 30, 2027',
  certificateUrl: 'http://localhost:4321/certificates/3q2-7wAAAAAAAAAAAAAAAA/',
} satisfies CertificateProps;
