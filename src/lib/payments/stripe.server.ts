import Stripe from 'stripe';
import { getEnv } from '../core/env.server.ts';

// The one Stripe client. STRIPE_API_BASE points the official SDK at another origin (stripe-mock,
// a proxy, the tests' fake); only the network changes, never the code path.

let client: { key: string; base?: string; stripe: Stripe } | undefined;

export function paymentsEnabled(): boolean {
  return Boolean(getEnv().STRIPE_SECRET_KEY);
}

export function getStripe(): Stripe | undefined {
  const env = getEnv();
  const key = env.STRIPE_SECRET_KEY;
  if (!key) return undefined;
  if (client?.key === key && client.base === env.STRIPE_API_BASE) return client.stripe;
  const options: Stripe.StripeConfig = { maxNetworkRetries: 2, timeout: 20_000, telemetry: false, appInfo: { name: 'Drumbeat' } };
  if (env.STRIPE_API_BASE) {
    const base = new URL(env.STRIPE_API_BASE);
    options.host = base.hostname;
    options.protocol = base.protocol === 'http:' ? 'http' : 'https';
    options.port = base.port || (base.protocol === 'http:' ? 80 : 443);
  }
  client = { key, base: env.STRIPE_API_BASE, stripe: new Stripe(key, options) };
  return client.stripe;
}

/** A Checkout Session id as Stripe makes them; anything else is refused before any lookup. */
export function isCheckoutSessionId(value: unknown): value is string {
  return typeof value === 'string' && /^cs_(test|live)_[A-Za-z0-9]{1,200}$/.test(value);
}

/** Metadata keys our Checkout Sessions carry; a session without them belongs to something else. */
export const META = {
  product: 'drumbeat_product',
  cohort: 'drumbeat_cohort',
  lang: 'drumbeat_lang',
  purchase: 'drumbeat_purchase',
} as const;

/** The id of an expandable Stripe field: a string, or the object when it was expanded. */
export function stripeId(value: string | { id: string } | null | undefined): string | null {
  if (!value) return null;
  return typeof value === 'string' ? value : value.id;
}
