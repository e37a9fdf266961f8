// The session cookie's name, and the one cheap reading of it that pages may vary on.

export const SESSION_COOKIE = 'drumbeat_session';

/**
 * Whether the browser says it has a session: the cookie is present, not that it names a live
 * session (that takes a database query, which cached pages skip). The nav shows "Your library"
 * on this hint and "Sign in" without it, and the page cache keeps one copy of a page per answer
 * (src/app/page-cache.ts, docs/decisions/025). A stale cookie costs one redirect to /login.
 */
export function hasSessionCookie(cookieHeader: string | null | undefined): boolean {
  if (!cookieHeader) return false;
  return cookieHeader.split(';').some((part) => {
    const eq = part.indexOf('=');
    return eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE && part.slice(eq + 1).trim() !== '';
  });
}
/** One cookie header's session id, read as the Astro cookie API reads it (URI-decoded), unchecked. */
export function sessionCookieValue(cookieHeader: string | null | undefined): string | undefined {
  if (!cookieHeader) return undefined;
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0 || part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    const raw = part.slice(eq + 1).trim();
    try {
      return decodeURIComponent(raw);
    } catch {
      return raw;
    }
  }
  return undefined;
}
