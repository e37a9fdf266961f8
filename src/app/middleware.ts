import { defineMiddleware } from 'astro:middleware';
import { withAfterResponse } from '../lib/core/after-response.server.ts';
import { getEnv } from '../lib/core/env.server.ts';
import { ensureDatabase } from '../lib/core/db/migrate.server.ts';

// Security headers on every response. No inline event handlers or third-party origins are used,
// so the policy can stay strict.
// form-action also covers the redirect after a form is posted: the Buy button's 303 goes to Stripe's
// Checkout (or to wherever STRIPE_API_BASE points, e.g. the tests' fake).
function contentSecurityPolicy(): string {
  const base = getEnv().STRIPE_API_BASE;
  const checkout = ['https://checkout.stripe.com', ...(base ? [new URL(base).origin] : [])].join(' ');
  return `default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; media-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self' ${checkout}`;
}

const SECURITY_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'strict-origin-when-cross-origin',
  'X-Frame-Options': 'DENY',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), interest-cohort=()',
};

let csp: string | undefined;

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * CSRF: a browser always sends Origin with a POST; one from another site is refused. Requests
 * without Origin come from non-browser clients (mail providers' one-click unsubscribe, webhooks,
 * scripts), which cannot carry a visitor's cookies or intent, so they pass to the route, whose
 * own authority (signed token, webhook signature) decides. See docs/decisions/004.
 */
function isCrossSite(request: Request, url: URL): boolean {
  if (!UNSAFE.has(request.method)) return false;
  const origin = request.headers.get('origin');
  if (origin === null) return request.headers.get('sec-fetch-site') === 'cross-site';
  const allowed = new Set([url.origin, getEnv().SITE_URL]);
  return !allowed.has(origin);
}

export const onRequest = defineMiddleware(async ({ request, url }, next) => {
  if (isCrossSite(request, url) && !url.pathname.startsWith('/webhooks/')) {
    return new Response('Cross-site form submissions are forbidden.', { status: 403, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  }
  // `npm start` migrates before serving; this covers a server started from dist/ directly.
  await ensureDatabase();
  const response = await next();
  if (!response.headers.has('Content-Security-Policy')) response.headers.set('Content-Security-Policy', (csp ??= contentSecurityPolicy()));
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
    if (!response.headers.has(name)) response.headers.set(name, value);
  }
  // Work a route deferred (the emails behind POST /subscribe and /login) starts once this is written.
  return withAfterResponse(request, response);
});
