import type { AstroCookies } from 'astro';
import { currentBuyer } from '../auth/session.server.ts';
import { normalizeEmail } from '../core/email-address.ts';
import { getEnv } from '../core/env.server.ts';
import { getSite } from '../core/site.server.ts';
import { toLang } from '../../i18n/lang.ts';
import { loginPath } from '../../i18n/paths.ts';

// Who gets into /admin: a signed-in session (the same emailed-link sign-in as buyers) whose
// address is in ADMIN_EMAILS. Every admin page asks here first, before it reads any data.

/** Admin pages are nobody's search result and no cache's copy, whoever asks. */
export const ADMIN_HEADERS = { 'Cache-Control': 'private, no-store', 'X-Robots-Tag': 'noindex, nofollow' } as const;

export function isAdminEmail(email: string): boolean {
  const wanted = normalizeEmail(email) ?? email;
  return getEnv().ADMIN_EMAILS.some((a) => (normalizeEmail(a) ?? a) === wanted);
}

export type AdminGate =
  | { state: 'admin'; email: string }
  /** signed in, not an admin: the page shows a 403 and nothing else */
  | { state: 'forbidden'; email: string }
  /** signed out: send this (a 303 to the sign-in page, which brings them back) */
  | { state: 'signed-out'; response: Response };

interface AstroLike {
  cookies: AstroCookies;
  url: URL;
  response: { status?: number; headers: Headers };
  currentLocale: string | undefined;
}

/**
 * Decides who the visitor is and sets the admin headers on the page's response. Usage in a page:
 * `const gate = await requireAdmin(Astro); if (gate.state === 'signed-out') return gate.response;`
 * then read data only when `gate.state === 'admin'`.
 */
export async function requireAdmin(astro: AstroLike): Promise<AdminGate> {
  for (const [name, value] of Object.entries(ADMIN_HEADERS)) astro.response.headers.set(name, value);
  const buyer = await currentBuyer(astro.cookies);
  if (!buyer) {
    const lang = toLang(astro.currentLocale, getSite());
    const next = `${astro.url.pathname}${astro.url.search}`;
    const location = `${loginPath(lang)}?${new URLSearchParams({ next })}`;
    return { state: 'signed-out', response: new Response(null, { status: 303, headers: { Location: location, ...ADMIN_HEADERS } }) };
  }
  if (!isAdminEmail(buyer.email)) {
    astro.response.status = 403;
    return { state: 'forbidden', email: buyer.email };
  }
  return { state: 'admin', email: buyer.email };
}
