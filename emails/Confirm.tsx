import { Heading, Text } from 'react-email';
import type { Lang } from '../src/lib/site.ts';
import { ActionButton, UrlAsText } from './components/Actions.tsx';
import { Layout } from './components/Layout.tsx';
import { strings } from './components/strings.ts';
import { prose, small } from './components/theme.ts';

export interface ConfirmProps {
  lang: Lang;
  siteTitle: string;
  authorName: string;
  confirmUrl: string;
  leadMagnet?: { title: string };
}

export default function Confirm({ lang, siteTitle, authorName, confirmUrl, leadMagnet }: ConfirmProps) {
  const t = strings[lang];
  return (
    <Layout lang={lang} siteTitle={siteTitle} authorName={authorName} preview={t.confirmPreview} reason="requested">
      <Heading as="h1" style={{ ...prose.h1, margin: '0 0 16px' }}>{t.confirmHeading}</Heading>
      <Text style={prose.p}>{t.confirmIntro(siteTitle)}</Text>
      {leadMagnet ? <Text style={prose.p}>{t.confirmLeadMagnet(leadMagnet.title)}</Text> : null}
      <ActionButton href={confirmUrl}>{t.confirmButton}</ActionButton>
      <Text style={small}>{t.confirmLinkAsText}</Text>
      <UrlAsText href={confirmUrl} />
      <Text style={small}>{t.confirmIgnore}</Text>
    </Layout>
  );
}

Confirm.PreviewProps = {
  lang: 'en',
  siteTitle: 'Drumbeat',
  authorName: 'Giulia Ferri',
  confirmUrl: 'http://localhost:4321/subscribe/confirm?token=preview-token',
  leadMagnet: { title: 'The one-page goal worksheet' },
} satisfies ConfirmProps;
