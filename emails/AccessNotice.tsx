import { Heading, Section, Text } from 'react-email';
import type { Lang } from '../src/i18n/lang.ts';
import { ActionButton, UrlAsText } from './components/Actions.tsx';
import { Layout } from './components/Layout.tsx';
import { t } from '../src/i18n/text.ts';
import { prose, small } from './components/theme.ts';

export type AccessChange = 'granted' | 'updated' | 'revoked';

export interface AccessNoticeProps {
  /** Rendered as the HTML <title> too (render.server.ts decides it). */
  subject: string;
  lang: Lang;
  change: AccessChange;
  siteTitle: string;
  authorName: string;
  productTitle: string;
  /** The new end of access, already formatted: "6 p.m. on Friday, April 30, 2027 (Rome time)"; null = no end. Unused for a revocation. */
  accessUntilLabel: string | null;
  /** The product's page in the library (for a revocation, the library itself). */
  libraryUrl: string;
}

const HEADINGS = { granted: 'email.accessGrantedHeading', updated: 'email.accessUpdatedHeading', revoked: 'email.accessRevokedHeading' } as const;
const INTROS = { granted: 'email.accessGrantedIntro', updated: 'email.accessUpdatedIntro', revoked: 'email.accessRevokedIntro' } as const;

/** The author granted, changed or ended a buyer's access by hand (/admin/purchases/ or `drumbeat access`). */
export default function AccessNotice({ lang, subject, change, siteTitle, authorName, productTitle, accessUntilLabel, libraryUrl }: AccessNoticeProps) {
  const intro = t(lang, INTROS[change], { product: productTitle, author: authorName });
  return (
    <Layout lang={lang} subject={subject} siteTitle={siteTitle} authorName={authorName} preview={intro} reason="purchase">
      <Heading as="h1" style={{ ...prose.h1, margin: '0 0 16px' }}>{t(lang, HEADINGS[change])}</Heading>
      <Text style={prose.p}>{intro}</Text>
      {change === 'revoked' ? (
        <Text style={prose.p}>{t(lang, 'email.accessRevokedReply')}</Text>
      ) : (
        <>
          <Section style={{ backgroundColor: '#f1ece2', padding: '14px 18px', borderRadius: '4px', margin: '0 0 24px' }}>
            <Text style={{ ...small, margin: '0 0 4px' }}>{t(lang, 'email.accessUntilLabel')}</Text>
            <Text style={{ ...prose.p, fontWeight: 700, margin: 0 }}>{accessUntilLabel ?? t(lang, 'email.receiptNoEnd')}</Text>
          </Section>
          <ActionButton href={libraryUrl}>{t(lang, 'email.accessOpenButton')}</ActionButton>
          <Text style={small}>{t(lang, 'email.accessSignInHint')}</Text>
          <UrlAsText href={libraryUrl} />
        </>
      )}
    </Layout>
  );
}

AccessNotice.PreviewProps = {
  subject: 'Hai accesso a Obiettivi che restano: il corso in dodici settimane',
  lang: 'it',
  change: 'granted',
  siteTitle: 'Drumbeat',
  authorName: 'Giulia Ferri',
  productTitle: 'Obiettivi che restano: il corso in dodici settimane',
  accessUntilLabel: 'venerdì 30 aprile 2027 alle 23:59 (ora di Roma)',
  libraryUrl: 'http://localhost:4321/it/library/okr-workshop-2027-03/',
} satisfies AccessNoticeProps;
