import type { ReactNode } from 'react';
import { Button, Link, Text } from 'react-email';
import { colors, fonts, small } from './theme.ts';

/** The one thing an email asks the reader to do. */
export function ActionButton({ href, children }: { href: string; children: ReactNode }) {
  return (
    <Button
      href={href}
      style={{ backgroundColor: colors.accent, color: colors.accentInk, fontFamily: fonts.sans, fontSize: '16px', fontWeight: 600, borderRadius: '6px', padding: '12px 20px', margin: '8px 0 24px' }}
    >
      {children}
    </Button>
  );
}

/** A URL written out, for mail clients that hide buttons. */
export function UrlAsText({ href }: { href: string }) {
  return (
    <Text style={{ ...small, wordBreak: 'break-all', margin: '0 0 24px' }}>
      <Link href={href} style={{ color: colors.accent }}>{href}</Link>
    </Text>
  );
}
