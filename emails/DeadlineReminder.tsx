import { Heading, Section, Text } from 'react-email';
import type { Lang } from '../src/i18n/lang.ts';
import { ActionButton } from './components/Actions.tsx';
import { Layout } from './components/Layout.tsx';
import { t } from '../src/i18n/text.ts';
import { prose, small } from './components/theme.ts';

export interface DeadlineReminderProps {
  /** Rendered as the HTML <title> too (render.server.ts decides it). */
  subject: string;
  lang: Lang;
  siteTitle: string;
  authorName: string;
  productTitle: string;
  /** A certification's cohort and its start, already formatted; null for a workshop. */
  cohortLabel?: string | null;
  /** The exact end of access, already formatted: "6 p.m. on Friday, March 26, 2027 (Rome time)". */
  deadlineLabel: string;
  daysLeft: number;
  libraryUrl: string;
}

export default function DeadlineReminder({ lang, subject, siteTitle, authorName, productTitle, cohortLabel, deadlineLabel, daysLeft, libraryUrl }: DeadlineReminderProps) {
  return (
    <Layout lang={lang} subject={subject} siteTitle={siteTitle} authorName={authorName} preview={`${t(lang, 'email.accessEndsLabel')}: ${deadlineLabel}`} reason="purchase">
      <Heading as="h1" style={{ ...prose.h1, margin: '0 0 16px' }}>{t(lang, 'email.deadlineHeading', { days: daysLeft })}</Heading>
      <Text style={prose.p}>{t(lang, 'email.deadlineIntro', { product: productTitle, days: daysLeft })}</Text>
      <Section style={{ backgroundColor: '#f1ece2', padding: '14px 18px', borderRadius: '4px', margin: '0 0 24px' }}>
        {cohortLabel && (
          <>
            <Text style={{ ...small, margin: '0 0 4px' }}>{t(lang, 'email.cohortLabel')}</Text>
            <Text style={{ ...prose.p, margin: '0 0 12px' }}>{cohortLabel}</Text>
          </>
        )}
        <Text style={{ ...small, margin: '0 0 4px' }}>{t(lang, 'email.accessEndsLabel')}</Text>
        <Text style={{ ...prose.p, fontWeight: 700, margin: 0 }}>{deadlineLabel}</Text>
      </Section>
      <Text style={prose.p}>{t(lang, 'email.deadlineLibrary')}</Text>
      <ActionButton href={libraryUrl}>{t(lang, 'email.libraryButton')}</ActionButton>
    </Layout>
  );
}

DeadlineReminder.PreviewProps = {
  subject: '7 giorni per guardare Obiettivi che restano: il corso in dodici settimane',
  lang: 'it',
  siteTitle: 'Drumbeat',
  authorName: 'Giulia Ferri',
  productTitle: 'Obiettivi che restano: il corso in dodici settimane',
  deadlineLabel: 'venerdì 26 marzo 2027 alle 18 (ora di Roma)',
  daysLeft: 7,
  libraryUrl: 'http://localhost:4321/it/library/',
} satisfies DeadlineReminderProps;
