// Which HTTP methods each URL takes, decided before any page runs: a page would otherwise render
// for PROPFIND as for GET, and TRACE (which Node's fetch Request refuses to represent) would fail
// with a logged stack trace on every path. See docs/decisions/015-hardening-the-edges.md.

/**
 * The routes that take a POST, as their files name them (tests/server/methods.test.ts checks this
 * list against src/pages/ and src/routes/). "POST" alone: the route answers nothing else.
 */
export const POST_ROUTES: readonly { path: string; methods: 'GET, HEAD, POST' | 'POST' }[] = [
  { path: '/subscribe', methods: 'GET, HEAD, POST' },
  { path: '/subscribe/confirm', methods: 'GET, HEAD, POST' },
  { path: '/unsubscribe', methods: 'GET, HEAD, POST' },
  { path: '/checkout/[product]', methods: 'GET, HEAD, POST' },
  { path: '/login', methods: 'GET, HEAD, POST' },
  { path: '/login/verify', methods: 'GET, HEAD, POST' },
  { path: '/library', methods: 'GET, HEAD, POST' },
  { path: '/library/[product]/[lesson]', methods: 'GET, HEAD, POST' },
  { path: '/admin/purchases', methods: 'GET, HEAD, POST' },
  { path: '/admin/subscribers/[id]', methods: 'GET, HEAD, POST' },
  { path: '/admin/sends', methods: 'GET, HEAD, POST' },
  { path: '/admin/sends/preview/[note]', methods: 'GET, HEAD, POST' },
  { path: '/logout', methods: 'POST' },
  { path: '/webhooks/stripe', methods: 'POST' },
  { path: '/webhooks/resend', methods: 'POST' },
  { path: '/dev/clock', methods: 'POST' },
];

const MATCHERS = POST_ROUTES.map((r) => ({
  re: new RegExp(`^${r.path.replace(/\[[^\]]+\]/g, '[^/]+')}/?$`),
  methods: r.methods,
}));

/** The methods a path answers: its POST route's, else GET and HEAD (every page and feed). */
export function allowedMethods(pathname: string, languages: readonly string[]): string {
  const prefix = /^\/([^/]+)(\/.*)?$/.exec(pathname);
  const bare = prefix && languages.includes(prefix[1]!) ? (prefix[2] ?? '/') : pathname;
  return MATCHERS.find((m) => m.re.test(bare))?.methods ?? 'GET, HEAD';
}

export type MethodVerdict = { status: 204 | 405; allow: string } | undefined;

/**
 * undefined: let the route answer. Otherwise the whole answer: 405 with Allow for a method the
 * path does not take (RFC 9110 §15.5.6), 204 with Allow for OPTIONS (no CORS headers, so a
 * cross-site preflight still fails as before).
 */
export function checkMethod(method: string, pathname: string, languages: readonly string[]): MethodVerdict {
  const allow = pathname === '*' ? 'GET, HEAD, POST' : allowedMethods(pathname, languages);
  if (method === 'OPTIONS') return { status: 204, allow };
  if (allow.split(', ').includes(method)) return undefined;
  return { status: 405, allow };
}

/** The answer to a refused method, without a body worth logging or a stack trace. */
export function methodResponseHeaders(verdict: NonNullable<MethodVerdict>): Record<string, string> {
  return verdict.status === 204
    ? { Allow: verdict.allow, 'Content-Length': '0' }
    : { Allow: verdict.allow, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' };
}

export const METHOD_NOT_ALLOWED = 'Method not allowed.\n';
