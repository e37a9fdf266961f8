import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseEnv } from '../lib/core/env.server.ts';
import { FALLBACK_POLICY, policyForPage, serverHeaders } from './security-headers.ts';

describe('security headers of this server', () => {
  it('sends HSTS only for an https SITE_URL under NODE_ENV=production', () => {
    expect(serverHeaders(parseEnv({ SITE_URL: 'https://notes.example.com', NODE_ENV: 'production' })).hsts).toBe('max-age=31536000');
    expect(serverHeaders(parseEnv({ SITE_URL: 'https://notes.example.com' })).hsts).toBeUndefined();
    expect(serverHeaders(parseEnv({ SITE_URL: 'http://notes.example.com', NODE_ENV: 'production' })).hsts).toBeUndefined();
    expect(serverHeaders(parseEnv({ NODE_ENV: 'production' })).hsts).toBeUndefined();
  });

  it('lets forms post to Stripe Checkout and to STRIPE_API_BASE', () => {
    expect(serverHeaders(parseEnv({})).formAction).toBe("form-action 'self' https://checkout.stripe.com;");
    expect(serverHeaders(parseEnv({ STRIPE_API_BASE: 'http://127.0.0.1:12111/' })).formAction).toContain('http://127.0.0.1:12111;');
  });

  it('allows no inline script where no hash is known', () => {
    expect(/script-src ([^;]*)/.exec(FALLBACK_POLICY)![1]).toBe("'self'");
  });
});

describe('a page policy', () => {
  const sha = (body: string) => `'sha256-${createHash('sha256').update(body).digest('base64')}'`;
  const policy = (hashes: string[]) => `default-src 'self'; script-src 'self' ${hashes.join(' ')}; style-src 'self' 'unsafe-inline' ;`;

  it('keeps the hashes of the inline scripts on the page and drops the rest', () => {
    const html = `<p>x</p><script type="module">run()</script><script src="/_astro/a.js"></script><script type="application/ld+json">{}</script>`;
    expect(policyForPage(policy([sha('run()'), sha('other()'), sha('{}')]), html)).toBe(`default-src 'self'; script-src 'self' ${sha('run()')} ${sha('{}')}; style-src 'self' 'unsafe-inline' ;`);
  });

  it("leaves 'self' alone when no hash is needed", () => {
    expect(policyForPage(policy([sha('a()'), sha('b()')]), '<main>no scripts</main>')).toBe("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline' ;");
  });

  it('matches other algorithms, and changes nothing in a policy without hashes', () => {
    const h384 = `'sha384-${createHash('sha384').update('x()').digest('base64')}'`;
    expect(policyForPage(`script-src ${h384}`, '<script>x()</script>')).toBe(`script-src ${h384}`);
    expect(policyForPage(`script-src ${h384}`, '<script>y()</script>')).toBe("script-src 'none'");
    expect(policyForPage(FALLBACK_POLICY, '<script>x()</script>')).toBe(FALLBACK_POLICY);
  });
});
