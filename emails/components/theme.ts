import type { CSSProperties } from 'react';

// The site's palette and type (src/styles/global.css), spelled out because email clients ignore
// custom properties and <style> blocks: every style here ends up inline.
export const colors = {
  ink: '#1d1b18',
  muted: '#5f5a52',
  paper: '#fbf8f2',
  line: '#e4ddd0',
  accent: '#a4341b',
  accentInk: '#ffffff',
} as const;

export const fonts = {
  // Georgia is the serif nearly every mail client has; the others win where installed.
  serif: "Charter, 'Bitstream Charter', Cambria, Georgia, 'Times New Roman', serif",
  sans: "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif",
  mono: "Menlo, Consolas, 'Courier New', monospace",
} as const;

const text: CSSProperties = { fontFamily: fonts.serif, fontSize: '18px', lineHeight: '1.6', color: colors.ink };
const heading: CSSProperties = { fontFamily: fonts.serif, color: colors.ink, lineHeight: '1.25', fontWeight: 700 };

/** Styles for the long-form text: a Note's body and the welcome message. */
export const prose = {
  p: { ...text, margin: '0 0 18px' },
  h1: { ...heading, fontSize: '28px', margin: '32px 0 12px' },
  h2: { ...heading, fontSize: '22px', margin: '32px 0 12px' },
  h3: { ...heading, fontSize: '19px', margin: '24px 0 8px' },
  a: { color: colors.accent, textDecoration: 'underline' },
  list: { ...text, margin: '0 0 18px', paddingLeft: '24px' },
  li: { margin: '0 0 8px' },
  blockquote: { ...text, margin: '24px 0', padding: '0 0 0 16px', borderLeft: `3px solid ${colors.accent}`, color: colors.muted, fontStyle: 'italic' },
  hr: { border: 'none', borderTop: `1px solid ${colors.line}`, margin: '32px 0' },
  img: { display: 'block', maxWidth: '100%', height: 'auto', border: 'none', margin: '24px 0' },
  code: { fontFamily: fonts.mono, fontSize: '15px', backgroundColor: '#f1ece2', padding: '1px 4px', borderRadius: '3px' },
  pre: { fontFamily: fonts.mono, fontSize: '14px', lineHeight: '1.5', backgroundColor: '#f1ece2', padding: '12px 16px', margin: '0 0 18px', whiteSpace: 'pre-wrap', borderRadius: '4px' },
} satisfies Record<string, CSSProperties>;

/** The small sans-serif text around the prose: kicker, date, notices, footer. */
export const small: CSSProperties = { fontFamily: fonts.sans, fontSize: '14px', lineHeight: '1.5', color: colors.muted, margin: '0 0 8px' };
