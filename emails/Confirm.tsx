import { Heading, Text } from 'react-email';
import type { Lang } from '../src/i18n/lang.ts';
import { ActionButton, UrlAsText } from './components/Actions.tsx';
import { Layout } from './components/Layout.tsx';
import { t } from '../src/i18n/text.ts';
import { prose, small } from './components/theme.ts';

export interface ConfirmProps {
  /** Rendered as the HTML <title> too (render.server.ts decides it). */
  subject: string;
  lang: Lang;
  siteTitle: string;
  authorName: string;
  confirmUrl: string;
  leadMagnet?: { title: string };
}

export default function Confirm({ lang, subject, siteTitle, authorName, confirmUrl, leadMagnet }: ConfirmProps) {
  return (
    <Layout lang={lang} subject={subject} siteTitle={siteTitle} authorName={authorName} preview={t(lang, 'email.confirmPreview')} reason="requested">
      <Heading as="h1" style={{ ...prose.h1, margin: '0 0 16px' }}>{t(lang, 'email.confirmHeading')}</Heading>
      <Text style={prose.p}>{t(lang, 'email.confirmIntro', { site: siteTitle })}</Text>
      {leadMagnet ? <Text style={prose.p}>{t(lang, 'email.confirmLeadMagnet', { title: leadMagnet.title })}</Text> : null}
      <ActionButton href={confirmUrl}>{t(lang, 'email.confirmButton')}</ActionButton>
      <Text style={small}>{t(lang, 'email.confirmLinkAsText')}</Text>
      <UrlAsText href={confirmUrl} />
      <Text style={small}>{t(lang, 'email.confirmIgnore')}</Text>
    </Layout>
  );
}

Confirm.PreviewProps = {
  subject: 'Confirm your subscription to Drumbeat',
  lang: 'en',
  siteTitle: 'Drumbeat',
  authorName: 'Giulia Ferri',
  confirmUrl: 'http://localhost:4321/subscribe/confirm?token=preview-token',
  leadMagnet: { title: 'The one-page goal worksheet' },
} satisfies ConfirmProps;
