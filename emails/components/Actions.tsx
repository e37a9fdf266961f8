import type { CSSProperties, ReactNode } from 'react';
import { Text } from 'react-email';
import { colors, fonts, small } from './theme.ts';

// React's types know bgcolor on <table> only; mail clients (Outlook first) read it on <td> too.
declare module 'react' {
  interface TdHTMLAttributes<T> {
    bgcolor?: string | undefined;
  }
}

// No target attributes: Gmail drops them and every client opens mail links in a browser anyway.

/**
 * The one thing an email asks the reader to do, as a "bulletproof" button: the colour sits on a
 * table cell (bgcolor for Outlook, which ignores padding on links and has no border-radius), the
 * link fills it with padding where clients allow it, and the rounded corners are a bonus.
 */
export function ActionButton({ href, children }: { href: string; children: ReactNode }) {
  return (
    <table role="presentation" border={0} cellPadding="0" cellSpacing="0" style={{ borderCollapse: 'separate', margin: '8px 0 24px' }}>
      <tbody>
        <tr>
          <td align="center" bgcolor={colors.accent} style={{ backgroundColor: colors.accent, borderRadius: '6px', msoPaddingAlt: '12px 20px' } as CSSProperties}>
            <a
              href={href}
              style={{
                display: 'inline-block',
                padding: '12px 20px',
                border: `1px solid ${colors.accent}`,
                borderRadius: '6px',
                backgroundColor: colors.accent,
                color: colors.accentInk,
                fontFamily: fonts.sans,
                fontSize: '16px',
                fontWeight: 600,
                lineHeight: '20px',
                textDecoration: 'none',
              }}
            >
              {children}
            </a>
          </td>
        </tr>
      </tbody>
    </table>
  );
}

/** A plain link with the site's colour, without React Email's target="_blank". */
export function TextLink({ href, style, children }: { href: string; style?: CSSProperties; children: ReactNode }) {
  return <a href={href} style={{ color: colors.accent, textDecoration: 'underline', ...style }}>{children}</a>;
}

/** A URL written out, for mail clients that hide buttons. */
export function UrlAsText({ href }: { href: string }) {
  // word-break is progressive: Outlook ignores it and lets a long URL run wide, still clickable.
  return (
    <Text style={{ ...small, wordBreak: 'break-all', margin: '0 0 24px' }}>
      <TextLink href={href}>{href}</TextLink>
    </Text>
  );
}
