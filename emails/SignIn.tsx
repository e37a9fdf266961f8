import { Button, Heading, Link, Text } from 'react-email';
import type { Lang } from '../src/lib/site.ts';
import { Layout } from './components/Layout.tsx';
import { strings } from './components/strings.ts';
import { colors, fonts, prose, small } from './components/theme.ts';

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
      <Button
        href={signInUrl}
        style={{ backgroundColor: colors.accent, color: colors.accentInk, fontFamily: fonts.sans, fontSize: '16px', fontWeight: 600, borderRadius: '6px', padding: '12px 20px', margin: '8px 0 24px' }}
      >
        {t.signInButton}
      </Button>
      <Text style={small}>{t.signInOnce(validMinutes)}</Text>
      <Text style={small}>{t.confirmLinkAsText}</Text>
      <Text style={{ ...small, wordBreak: 'break-all', margin: '0 0 24px' }}>
        <Link href={signInUrl} style={{ color: colors.accent }}>{signInUrl}</Link>
      </Text>
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
