import type { Env } from '../lib/core/env.server.ts';

// Security headers on every response. Pages get their Content-Security-Policy from Astro
// (security.csp in astro.config.mjs), which lists the hash of every script the build inlined, so
// script-src needs no 'unsafe-inline'; the middleware adds what is known only at run time. Other
// responses (endpoints, redirects, the outbox's email bodies) get FALLBACK_POLICY, without hashes.

export const FALLBACK_POLICY =
  "default-src 'self'; img-src 'self' data:; media-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; script-src 'self'; style-src 'self' 'unsafe-inline';";

export const SECURITY_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'strict-origin-when-cross-origin',
  'X-Frame-Options': 'DENY',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), interest-cohort=()',
};

export interface ServerHeaders {
  /** appended to every policy */
  formAction: string;
  hsts: string | undefined;
}

export function serverHeaders(env: Pick<Env, 'STRIPE_API_BASE' | 'NODE_ENV' | 'SITE_URL'>): ServerHeaders {
  // form-action also covers the redirect after a form is posted: the Buy button's 303 goes to
  // Stripe's Checkout (or to wherever STRIPE_API_BASE points, e.g. the tests' fake).
  const checkout = ['https://checkout.stripe.com', ...(env.STRIPE_API_BASE ? [new URL(env.STRIPE_API_BASE).origin] : [])];
  return {
    formAction: `form-action 'self' ${checkout.join(' ')};`,
    // Only where the public address is https and the server says it is the real one: a browser
    // that saw HSTS for localhost would refuse plain http to it for a year. No includeSubDomains:
    // the author's other subdomains are not ours to commit (docs/decisions/015).
    hsts: env.NODE_ENV === 'production' && env.SITE_URL.startsWith('https://') ? 'max-age=31536000' : undefined,
  };
}

/**
 * What the middleware adds to an answer that has no policy of its own (an endpoint's), for the
 * server's front (src/server/), which answers some requests before Astro and its middleware.
 */
export function endpointSecurityHeaders(own: ServerHeaders): Record<string, string> {
  return { ...SECURITY_HEADERS, 'Content-Security-Policy': `${FALLBACK_POLICY} ${own.formAction}`, ...(own.hsts ? { 'Strict-Transport-Security': own.hsts } : {}) };
}
