import { describe, expect, it } from 'vitest';
import { parseEnv } from '../lib/core/env.server.ts';
import { FALLBACK_POLICY, serverHeaders } from './security-headers.ts';

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
