import { Section, Text } from 'react-email';
import { colors, fonts, prose } from './theme.ts';

/** "Label: value" lines in a tinted box: a receipt's or a certificate's particulars. */
export function Details({ rows }: { rows: readonly (readonly [string, string])[] }) {
  return (
    <Section style={{ backgroundColor: '#f1ece2', padding: '14px 18px', borderRadius: '4px', margin: '0 0 24px' }}>
      {rows.map(([label, value]) => (
        <Text key={label} style={{ ...prose.p, fontSize: '16px', margin: '0 0 6px' }}>
          <span style={{ fontFamily: fonts.sans, fontSize: '14px', color: colors.muted }}>{label}:</span> <strong>{value}</strong>
        </Text>
      ))}
    </Section>
  );
}
