import { Text } from 'react-email';
import type { Lang } from '../src/i18n/lang.ts';
import { TextLink } from './components/Actions.tsx';
import { Layout } from './components/Layout.tsx';
import { t } from '../src/i18n/text.ts';
import { prose } from './components/theme.ts';

export interface WelcomeProps {
  /** Rendered as the HTML <title> too (render.server.ts decides it). */
  subject: string;
  lang: Lang;
  siteTitle: string;
  authorName: string;
  /** The author's content/welcome/<lang>.md, already rendered with inline styles (render.server.ts). */
  welcomeHtml: string;
  siteUrl: string;
  unsubscribeUrl: string;
  leadMagnet?: { title: string; url: string };
}

export default function Welcome({ lang, subject, siteTitle, authorName, welcomeHtml, siteUrl, unsubscribeUrl, leadMagnet }: WelcomeProps) {
  return (
    <Layout lang={lang} subject={subject} siteTitle={siteTitle} siteUrl={siteUrl} authorName={authorName} preview={t(lang, 'email.welcomePreview', { site: siteTitle })} unsubscribeUrl={unsubscribeUrl}>
      {leadMagnet ? (
        <Text style={prose.p}>
          {t(lang, 'email.welcomeLeadMagnet')} <TextLink href={leadMagnet.url} style={{ ...prose.a, fontWeight: 700 }}>{leadMagnet.title}</TextLink>
        </Text>
      ) : null}
      <div dangerouslySetInnerHTML={{ __html: welcomeHtml }} />
    </Layout>
  );
}

Welcome.PreviewProps = {
  subject: 'Welcome to Drumbeat',
  lang: 'en',
  siteTitle: 'Drumbeat',
  authorName: 'Giulia Ferri',
  // The sender renders content/welcome/<lang>.md into this; the preview shows a stand-in.
  welcomeHtml:
    '<p style="font-family:Georgia,serif;font-size:18px;line-height:1.6;margin:0 0 18px">Thank you for subscribing. ' +
    'When the site sends this email, the text here comes from content/welcome/en.md.</p>',
  siteUrl: 'http://localhost:4321/',
  unsubscribeUrl: 'http://localhost:4321/unsubscribe?token=preview-token',
  leadMagnet: { title: 'The one-page goal worksheet', url: 'http://localhost:4321/downloads/goal-worksheet.pdf' },
} satisfies WelcomeProps;
