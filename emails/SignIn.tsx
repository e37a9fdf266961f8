import { Heading, Text } from 'react-email';
import type { Lang } from '../src/i18n/lang.ts';
import { ActionButton, UrlAsText } from './components/Actions.tsx';
import { Layout } from './components/Layout.tsx';
import { t } from '../src/i18n/text.ts';
import { prose, small } from './components/theme.ts';

export interface SignInProps {
  /** Rendered as the HTML <title> too (render.server.ts decides it). */
  subject: string;
  lang: Lang;
  siteTitle: string;
  authorName: string;
  /** A single-use link, valid for validMinutes. */
  signInUrl: string;
  validMinutes: number;
}

export default function SignIn({ lang, subject, siteTitle, authorName, signInUrl, validMinutes }: SignInProps) {
  return (
    <Layout lang={lang} subject={subject} siteTitle={siteTitle} authorName={authorName} preview={t(lang, 'email.signInPreview', { minutes: validMinutes })} reason="signin">
      <Heading as="h1" style={{ ...prose.h1, margin: '0 0 16px' }}>{t(lang, 'email.signInHeading')}</Heading>
      <Text style={prose.p}>{t(lang, 'email.signInIntro', { site: siteTitle })}</Text>
      <ActionButton href={signInUrl}>{t(lang, 'email.signInButton')}</ActionButton>
      <Text style={small}>{t(lang, 'email.signInOnce', { minutes: validMinutes })}</Text>
      <Text style={small}>{t(lang, 'email.confirmLinkAsText')}</Text>
      <UrlAsText href={signInUrl} />
      <Text style={small}>{t(lang, 'email.signInIgnore')}</Text>
    </Layout>
  );
}

SignIn.PreviewProps = {
  subject: 'Your sign-in link for Drumbeat',
  lang: 'en',
  siteTitle: 'Drumbeat',
  authorName: 'Giulia Ferri',
  signInUrl: 'http://localhost:4321/library/sign-in?token=preview-token',
  validMinutes: 30,
} satisfies SignInProps;
