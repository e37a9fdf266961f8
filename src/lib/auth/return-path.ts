// Where sign-in sends a visitor back to (`?next=`), checked so that it can only ever be a page of
// this site: a path, never an origin, a scheme-relative URL (`//evil.example`), a backslash trick
// (`/\evil.example`, which browsers read as `//`) or a loop back into sign-in itself.

const MAX_LENGTH = 512;

export function safeReturnPath(raw: unknown): string | undefined {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_LENGTH) return undefined;
  if (!raw.startsWith('/') || raw.startsWith('//') || /[\\\u0000-\u001f\u007f]/.test(raw)) return undefined;
  let url: URL;
  try {
    url = new URL(raw, 'http://return.invalid');
  } catch {
    return undefined;
  }
  if (url.origin !== 'http://return.invalid') return undefined;
  if (/^\/(?:[a-z]{2}\/)?(?:login|logout)(?:\/|$)/.test(url.pathname)) return undefined;
  return `${url.pathname}${url.search}`;
}
