import { createHash } from 'node:crypto';
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

const INLINE_SCRIPT = /<script\b(?![^>]*\ssrc\s*=)[^>]*>([\s\S]*?)<\/script\s*>/gi;
const SCRIPT_SRC = /(^|;)(\s*)script-src\s+([^;]*)/;
const HASH_SOURCE = /^'(sha256|sha384|sha512)-([A-Za-z0-9+/=]+)'$/;

/**
 * A page's policy with only the script hashes this page needs: Astro lists in every page the hash
 * of every script the whole site might inline (its island and directive loaders too, which no
 * page of ours uses), 1 KB sent and checked on every request for nothing (docs/decisions/040).
 * A hash stays when an inline script of this page has it; every other source stays as it is.
 */
export function policyForPage(policy: string, html: string): string {
  const sources = SCRIPT_SRC.exec(policy)?.[3]!.trim().split(/\s+/) ?? [];
  if (!sources.some((s) => HASH_SOURCE.test(s))) return policy;
  const bodies = [...html.matchAll(INLINE_SCRIPT)].map((m) => m[1]!);
  const digests = new Map<string, Set<string>>();
  const onPage = (algorithm: string, digest: string) => {
    let set = digests.get(algorithm);
    if (!set) digests.set(algorithm, (set = new Set(bodies.map((b) => createHash(algorithm).update(b).digest('base64')))));
    return set.has(digest);
  };
  const kept = sources.filter((s) => {
    const m = HASH_SOURCE.exec(s);
    return !m || onPage(m[1]!, m[2]!);
  });
  // A directive with no source left would allow nothing; 'none' says so.
  return policy.replace(SCRIPT_SRC, (_, end: string, space: string) => `${end}${space}script-src ${kept.length ? kept.join(' ') : "'none'"}`);
}
