import { colors } from './theme.ts';

// The inbox preview line. React Email's <Preview> hides itself with opacity (which Outlook
// ignores) and writes a second <title>; this one hides by display, height and mso-hide, and keeps
// the document's one <title> for the subject (SpamAssassin's HTML_TITLE_SUBJ_DIFF).
const HIDDEN = {
  display: 'none',
  maxHeight: 0,
  maxWidth: 0,
  overflow: 'hidden',
  msoHide: 'all',
  fontSize: '1px',
  lineHeight: '1px',
  color: colors.paper,
} as const;

// Zero-width non-joiners and no-break spaces after the text keep clients from filling the
// preview with the first words of the body.
const FILLER = '\u200c\u00a0'.repeat(90);

export function Preheader({ text }: { text: string }) {
  return (
    <div style={HIDDEN} data-skip-in-text="true">
      {text}
      {FILLER}
    </div>
  );
}
