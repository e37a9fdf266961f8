import type { ReactNode } from 'react';
import { Body, Container, Head, Hr, Html, Link, Preview, Section, Text } from 'react-email';
import type { Lang } from '../../src/i18n/lang.ts';
import { t } from '../../src/i18n/text.ts';
import { colors, fonts, small } from './theme.ts';

// Named exports only: `email dev` lists every file under emails/ with a default export as a template.

export interface LayoutProps {
  lang: Lang;
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

export function Layout({ lang, siteTitle, siteUrl, authorName, authorBio, preview, unsubscribeUrl, reason = 'subscribed', children }: LayoutProps) {
  const footers = { subscribed: 'email.footerSubscribed', requested: 'email.footerRequested', purchase: 'email.footerPurchase', signin: 'email.footerSignIn', author: 'email.footerAuthor' } as const;
  const title = { fontFamily: fonts.serif, fontSize: '20px', fontWeight: 700, color: colors.ink, textDecoration: 'none' };
  return (
    <Html lang={lang}>
      <Head>
        <meta name="color-scheme" content="light" />
      </Head>
      {preview ? <Preview>{preview}</Preview> : null}
      {/* Body defaults to lang="en" on its own tags, whatever Html says. */}
      <Body lang={lang} style={{ margin: 0, padding: 0, backgroundColor: colors.paper, color: colors.ink, fontFamily: fonts.serif }}>
        <Container style={{ maxWidth: '600px', padding: '24px 20px 32px' }}>
          <Section style={{ borderBottom: `1px solid ${colors.line}`, paddingBottom: '12px', marginBottom: '24px' }}>
            {siteUrl ? (
              <Link href={siteUrl} style={title}>{siteTitle}</Link>
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
              <Link href={unsubscribeUrl} style={{ color: colors.muted, textDecoration: 'underline' }}>{t(lang, 'email.unsubscribe')}</Link>
            </Text>
          ) : null}
        </Container>
      </Body>
    </Html>
  );
}
