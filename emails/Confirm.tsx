import { Button, Heading, Link, Text } from 'react-email';
import type { Lang } from '../src/lib/site.ts';
import { Layout } from './components/Layout.tsx';
import { strings } from './components/strings.ts';
import { colors, fonts, prose, small } from './components/theme.ts';

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
      <Button
        href={confirmUrl}
        style={{ backgroundColor: colors.accent, color: colors.accentInk, fontFamily: fonts.sans, fontSize: '16px', fontWeight: 600, borderRadius: '6px', padding: '12px 20px', margin: '8px 0 24px' }}
      >
        {t.confirmButton}
      </Button>
      <Text style={small}>{t.confirmLinkAsText}</Text>
      <Text style={{ ...small, wordBreak: 'break-all', margin: '0 0 24px' }}>
        <Link href={confirmUrl} style={{ color: colors.accent }}>{confirmUrl}</Link>
      </Text>
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
