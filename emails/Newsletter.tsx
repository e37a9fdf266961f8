import type { ReactNode } from 'react';
import { Heading, Text } from 'react-email';
import type { Lang } from '../src/i18n/lang.ts';
import { TextLink } from './components/Actions.tsx';
import { Layout } from './components/Layout.tsx';
import { t } from '../src/i18n/text.ts';
import { colors, fonts, prose, small } from './components/theme.ts';

export interface NewsletterProps {
  /** Rendered as the HTML <title> too (render.server.ts decides it). */
  subject: string;
  /** The subscriber's language: everything around the Note. */
  lang: Lang;
  siteTitle: string;
  siteUrl?: string;
  authorName: string;
  authorBio: string;
  /** The line the Note ends with before the author's name, in the Note's language ("See you on Monday,"), as on the web. */
  signature?: string;
  /** `lang` here is the language the Note is written in, which differs from the subscriber's on a fallback. */
  note: { number: number; title: string; summary: string; lang: Lang; dateLabel: string };
  /** The Note's body, compiled by src/lib/email/note-mdx.server.ts. */
  children: ReactNode;
  readOnlineUrl: string;
  unsubscribeUrl: string;
  fallbackNotice: boolean;
}

export default function Newsletter({ lang, subject, siteTitle, siteUrl, authorName, authorBio, signature, note, children, readOnlineUrl, unsubscribeUrl, fallbackNotice }: NewsletterProps) {
  const noteLang = note.lang !== lang ? note.lang : undefined;
  return (
    <Layout lang={lang} subject={subject} siteTitle={siteTitle} siteUrl={siteUrl} authorName={authorName} authorBio={authorBio} preview={note.summary} unsubscribeUrl={unsubscribeUrl}>
      {fallbackNotice ? (
        <Text style={{ ...small, color: colors.ink, backgroundColor: '#f1ece2', padding: '10px 14px', borderRadius: '4px', margin: '0 0 24px' }}>{t(lang, 'email.fallbackNotice')}</Text>
      ) : null}
      <Text style={{ fontFamily: fonts.sans, fontSize: '13px', fontWeight: 600, letterSpacing: '0.06em', textTransform: 'uppercase', color: colors.accent, margin: '0 0 4px' }}>
        {t(lang, 'note.label')} №{note.number}
      </Text>
      <Heading as="h1" lang={noteLang} style={{ ...prose.h1, margin: '0 0 8px' }}>{note.title}</Heading>
      <Text style={{ ...small, margin: '0 0 28px' }}>
        {note.dateLabel} · <TextLink href={readOnlineUrl}>{t(lang, 'email.readOnline')}</TextLink>
      </Text>
      <div lang={noteLang}>
        {children}
        <Text style={{ ...prose.p, fontStyle: 'italic', margin: '28px 0 18px' }}>
          {signature ? <>{signature}<br /></> : null}
          <span style={{ fontStyle: 'normal', fontWeight: 700 }}>{authorName}</span>
        </Text>
      </div>
    </Layout>
  );
}

Newsletter.PreviewProps = {
  subject: 'Nota №205: Three steps to a goal you keep',
  lang: 'it',
  siteTitle: 'Drumbeat',
  siteUrl: 'http://localhost:4321/',
  authorName: 'Giulia Ferri',
  authorBio: 'Coach e autrice. Aiuto team e professionisti indipendenti a fissare obiettivi che mantengono, una settimana alla volta.',
  note: {
    number: 205,
    title: 'Three steps to a goal you keep',
    summary: 'Setting a goal takes an afternoon. Keeping it takes twelve weeks.',
    lang: 'en',
    dateLabel: '23 novembre 2026',
  },
  // The sender compiles the real Note (async MDX); the preview shows a stand-in body.
  children: (
    <>
      <p style={prose.p}>Readers often write to me with some version of the same question.</p>
      <h2 style={prose.h2}>Step one: name it</h2>
      <p style={prose.p}>
        The first step is to say what the goal is in <strong>one sentence</strong>, as in{' '}
        <a href="http://localhost:4321/notes/194-goal-on-a-sticky-note/" style={prose.a}>Note №194, <cite>The goal that fits on a sticky note</cite></a>.
      </p>
    </>
  ),
  readOnlineUrl: 'http://localhost:4321/notes/205-three-steps/',
  unsubscribeUrl: 'http://localhost:4321/unsubscribe?token=preview-token',
  fallbackNotice: true,
} satisfies NewsletterProps;
