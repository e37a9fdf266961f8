import type { CSSProperties, ReactNode } from 'react';
import { ActionButton, TextLink } from './Actions.tsx';
import { colors, fonts, prose, small } from './theme.ts';

// <Offer> and <Testimonial> of a Note in its newsletter: the same card the page shows
// (src/components/Offer.astro), as a table that mail clients keep together. Props in, markup
// out: the newsletter decides the state when the send renders (docs/decisions/024).

export interface OfferEmailCard {
  state: 'open' | 'next' | 'closed';
  kicker: string;
  title: string;
  summary: string;
  priceLabel?: string;
  deadline?: string;
  cohort?: string;
  cta: string;
  /** absolute URL of the sales page in the reader's language; none when closed */
  url?: string;
  notice?: string;
  /** variant="line": the short state after the author's words */
  line?: string;
}

const box: CSSProperties = { width: '100%', borderCollapse: 'separate', margin: '28px 0', border: `1px solid ${colors.line}`, borderTop: `4px solid ${colors.accent}`, borderRadius: '8px', backgroundColor: '#ffffff' };
const sans = (extra: CSSProperties): CSSProperties => ({ ...small, color: colors.ink, fontSize: '16px', ...extra });

export function OfferBlock({ offer, variant, children }: { offer: OfferEmailCard; variant?: string; children?: ReactNode }) {
  const own = offer.state === 'open' ? children : undefined;
  if (variant === 'line') {
    return offer.url && offer.state !== 'closed' ? (
      <p style={{ ...prose.p, fontFamily: fonts.sans, fontWeight: 600 }}>
        <TextLink href={offer.url}>
          {own ?? offer.title} →
        </TextLink>
        {offer.line && (
          <>
            <br />
            <span style={{ fontWeight: 400, fontSize: '15px', color: colors.muted }}>{offer.line}</span>
          </>
        )}
      </p>
    ) : (
      <p style={{ ...prose.p, fontFamily: fonts.sans }}>
        {offer.url ? <TextLink href={offer.url}>{offer.title}</TextLink> : offer.title} · {offer.notice}
      </p>
    );
  }
  return (
    <table role="presentation" border={0} cellPadding="0" cellSpacing="0" style={box}>
      <tbody>
        <tr>
          <td style={{ padding: '18px 22px 6px' }}>
            {offer.state === 'next' && <p style={sans({ color: colors.muted, fontSize: '15px', fontWeight: 600, margin: '0 0 12px', paddingBottom: '10px', borderBottom: `1px solid ${colors.line}` })}>{offer.notice}</p>}
            <p style={sans({ color: colors.accent, fontSize: '13px', fontWeight: 600, letterSpacing: '0.06em', textTransform: 'uppercase', margin: '0 0 4px' })}>{offer.kicker}</p>
            {/* Plain while there is a button: it is the one link, and the text version shows its URL once. */}
            <p style={{ ...prose.h3, margin: '0 0 6px' }}>{offer.state === 'closed' && offer.url ? <TextLink href={offer.url} style={{ color: colors.ink }}>{offer.title}</TextLink> : offer.title}</p>
            {offer.state === 'closed' ? (
              <p style={sans({ color: colors.accent, fontWeight: 600, margin: '0 0 14px' })}>{offer.notice}</p>
            ) : (
              <>
                <p style={sans({ color: colors.muted, margin: '0 0 8px' })}>{offer.summary}</p>
                {offer.cohort && <p style={sans({ fontWeight: 600, margin: '0 0 8px' })}>{offer.cohort}</p>}
                {offer.deadline && <p style={sans({ fontWeight: 600, margin: '0 0 8px' })}>{offer.deadline}</p>}
                {offer.priceLabel && <p style={{ ...prose.h2, fontSize: '24px', margin: '12px 0 4px' }}>{offer.priceLabel}</p>}
                {offer.url && <ActionButton href={offer.url}>{own ?? offer.cta}</ActionButton>}
              </>
            )}
          </td>
        </tr>
      </tbody>
    </table>
  );
}

export interface TestimonialEmail {
  quote: string;
  author: string;
  role: string;
}

export function TestimonialBlock({ testimonial }: { testimonial: TestimonialEmail }) {
  return (
    <>
      <blockquote style={{ ...prose.blockquote, color: colors.ink, margin: '24px 0 6px' }}>“{testimonial.quote}”</blockquote>
      <p style={{ ...small, margin: '0 0 24px', paddingLeft: '19px' }}>
        {testimonial.role ? `${testimonial.author}, ${testimonial.role}` : testimonial.author}
      </p>
    </>
  );
}
