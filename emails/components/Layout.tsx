import type { ReactNode } from 'react';
import { Body, Container, Head, Hr, Html, Section, Text } from 'react-email';
import type { Lang } from '../../src/i18n/lang.ts';
import { t } from '../../src/i18n/text.ts';
import { TextLink } from './Actions.tsx';
import { Preheader } from './Preheader.tsx';
import { colors, fonts, small } from './theme.ts';

// Named exports only: `email dev` lists every file under emails/ with a default export as a template.

export interface LayoutProps {
  lang: Lang;
  /** The email's subject, also its HTML <title>: filters score a title that differs from it. */
  subject: string;
  siteTitle: string;
  siteUrl?: string;
  authorName: string;
  authorBio?: string;
  /** The inbox preview line; without it clients show the first words of the body. */
  preview?: string;
  unsubscribeUrl?: string;
  /**
   * Why the reader gets this email, for the footer: a confirmation goes to someone who has not
   * subscribed yet, a receipt or reminder follows a purchase, a sign-in link was asked for.
   */
  reason?: 'subscribed' | 'requested' | 'purchase' | 'signin' | 'author';
  children: ReactNode;
}

export function Layout({ lang, subject, siteTitle, siteUrl, authorName, authorBio, preview, unsubscribeUrl, reason = 'subscribed', children }: LayoutProps) {
  const footers = { subscribed: 'email.footerSubscribed', requested: 'email.footerRequested', purchase: 'email.footerPurchase', signin: 'email.footerSignIn', author: 'email.footerAuthor' } as const;
  const title = { fontFamily: fonts.serif, fontSize: '20px', fontWeight: 700, color: colors.ink, textDecoration: 'none' };
  return (
    <Html lang={lang}>
      <Head>
        <meta name="color-scheme" content="light" />
        <title>{subject}</title>
      </Head>
      {/* Body defaults to lang="en" on its own tags, whatever Html says. Its styles go on the
          wrapping cell as well (React Email's Body does that): Outlook drops <body> styles. */}
      <Body lang={lang} style={{ margin: 0, padding: 0, backgroundColor: colors.paper, color: colors.ink, fontFamily: fonts.serif }}>
        {preview ? <Preheader text={preview} /> : null}
        <Container style={{ maxWidth: '600px', padding: '24px 20px 32px' }}>
          <Section style={{ borderBottom: `1px solid ${colors.line}`, paddingBottom: '12px', marginBottom: '24px' }}>
            {siteUrl ? (
              <TextLink href={siteUrl} style={title}>{siteTitle}</TextLink>
            ) : (
              <Text style={{ ...title, margin: 0 }}>{siteTitle}</Text>
            )}
          </Section>
          {children}
          <Hr style={{ borderTop: `1px solid ${colors.line}`, margin: '32px 0 16px' }} />
          <Text style={{ ...small, color: colors.ink, fontWeight: 600 }}>{authorName}</Text>
          {authorBio ? <Text style={small}>{authorBio}</Text> : null}
          <Text style={small}>{t(lang, footers[reason], { site: siteTitle })}</Text>
          {unsubscribeUrl ? (
            <Text style={small}>
              <TextLink href={unsubscribeUrl} style={{ color: colors.muted }}>{t(lang, 'email.unsubscribe')}</TextLink>
            </Text>
          ) : null}
        </Container>
      </Body>
    </Html>
  );
}
