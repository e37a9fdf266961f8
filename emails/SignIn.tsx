import { Heading, Text } from 'react-email';
import type { Lang } from '../src/lib/site.ts';
import { ActionButton, UrlAsText } from './components/Actions.tsx';
import { Layout } from './components/Layout.tsx';
import { strings } from './components/strings.ts';
import { prose, small } from './components/theme.ts';

export interface SignInProps {
  lang: Lang;
  siteTitle: string;
  authorName: string;
  /** A single-use link, valid for validMinutes. */
  signInUrl: string;
  validMinutes: number;
}

export default function SignIn({ lang, siteTitle, authorName, signInUrl, validMinutes }: SignInProps) {
  const t = strings[lang];
  return (
    <Layout lang={lang} siteTitle={siteTitle} authorName={authorName} preview={t.signInPreview(validMinutes)} reason="signin">
      <Heading as="h1" style={{ ...prose.h1, margin: '0 0 16px' }}>{t.signInHeading}</Heading>
      <Text style={prose.p}>{t.signInIntro(siteTitle)}</Text>
      <ActionButton href={signInUrl}>{t.signInButton}</ActionButton>
      <Text style={small}>{t.signInOnce(validMinutes)}</Text>
      <Text style={small}>{t.confirmLinkAsText}</Text>
      <UrlAsText href={signInUrl} />
      <Text style={small}>{t.signInIgnore}</Text>
    </Layout>
  );
}

SignIn.PreviewProps = {
  lang: 'en',
  siteTitle: 'Drumbeat',
  authorName: 'Giulia Ferri',
  signInUrl: 'http://localhost:4321/library/sign-in?token=preview-token',
  validMinutes: 30,
} satisfies SignInProps;
