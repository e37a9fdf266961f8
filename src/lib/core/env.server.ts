import path from 'node:path';
import { z } from 'zod';
import { checkEmail, normalizeEmail, parseMailbox } from './email-address.ts';

// The one place that reads process.env. Everything is optional: unset values fall back to the
// embedded defaults (SQLite file, outbox, generated secret).

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const httpOrigin = z
  .string()
  .trim()
  .refine((v) => {
    try {
      const u = new URL(v);
      return u.protocol === 'http:' || u.protocol === 'https:';
    } catch {
      return false;
    }
  }, 'must be an http(s) URL such as https://example.com')
  .transform((v) => v.replace(/\/+$/, ''));

const envSchema = z
  .object({
    PORT: z.coerce.number().int().min(1).max(65535).default(4321),
    HOST: z.string().trim().min(1).default('localhost'),
    SITE_URL: httpOrigin.optional(),
    DATA_DIR: z.string().trim().min(1).default('data'),
    DATABASE_URL: z
      .string()
      .trim()
      .regex(/^(file:|libsql:\/\/|https?:\/\/|wss?:\/\/)/, 'must start with file:, libsql://, http(s):// or ws(s)://')
      .optional(),
    DATABASE_AUTH_TOKEN: optionalText,
    RESEND_API_KEY: optionalText,
    RESEND_BASE_URL: httpOrigin.optional(),
    RESEND_WEBHOOK_SECRET: optionalText.refine((v) => v === undefined || v.startsWith('whsec_'), 'must be a Svix secret starting with whsec_'),
    EMAIL_FROM: z
      .string()
      .trim()
      // The address part obeys the one address rule; the name may not break the header.
      .refine((v) => {
        const mailbox = parseMailbox(v);
        return mailbox !== undefined && checkEmail(mailbox.address).ok;
      }, 'must be an address like "Notes <notes@example.com>"')
      // An address alone: the From name then comes from content/site.yaml (docs/decisions/016).
      .default('notes@drumbeat.localhost'),
    STRIPE_SECRET_KEY: optionalText.refine((v) => v === undefined || /^(sk|rk)_(test|live)_/.test(v), 'must start with sk_test_, sk_live_, rk_test_ or rk_live_'),
    STRIPE_WEBHOOK_SECRET: optionalText.refine((v) => v === undefined || v.startsWith('whsec_'), 'must start with whsec_'),
    STRIPE_API_BASE: httpOrigin.optional(),
    APP_SECRET: optionalText.refine((v) => v === undefined || v.length >= 32, 'must be at least 32 characters'),
    // Secrets APP_SECRET used to be: links already mailed with them still verify (docs/decisions/023).
    APP_SECRET_PREVIOUS: z
      .string()
      .optional()
      .transform((v) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean))
      .refine((list) => list.every((s) => s.length >= 32), 'must be a comma-separated list of former APP_SECRET values, each at least 32 characters'),
    ADMIN_EMAILS: z
      .string()
      .optional()
      .transform((v) => (v ?? '').split(',').map((e) => e.trim()).filter(Boolean))
      .refine((list) => list.every((e) => checkEmail(e).ok), 'must be a comma-separated list of email addresses')
      // Stored in the one form every address takes, so the admin check compares like with like.
      .transform((list) => list.map((e) => normalizeEmail(e)!)),
    // Where the author's content lives (the benchmarks and tests point it elsewhere).
    DRUMBEAT_CONTENT_DIR: z.string().trim().min(1).default('content'),
    NODE_ENV: z.string().optional(),
    // How long a newsletter send stays claimed by a process that stopped renewing it (it died).
    DRUMBEAT_SEND_LEASE_MS: z.coerce.number().int().min(1000).max(3_600_000).default(60_000),
    // Subscribe attempts allowed per IP address per 10 minutes (raise it for readers behind one NAT).
    DRUMBEAT_SUBSCRIBE_IP_LIMIT: z.coerce.number().int().min(1).default(20),
    DRUMBEAT_SCHEDULER: z.enum(['on', 'off'], { error: 'must be "on" or "off"' }).default('on'),
    // Behind a reverse proxy: count rate limits by the X-Forwarded-For address the proxy appends.
    DRUMBEAT_TRUST_PROXY: z.enum(['on', 'off'], { error: 'must be "on" or "off"' }).default('off'),
    // Test-only: lets tests move the server's clock through POST /dev/clock. Never set in production.
    DRUMBEAT_TEST_CLOCK: z.enum(['on', 'off'], { error: 'must be "on" or "off"' }).default('off'),
  })
  .superRefine((env, ctx) => {
    if (env.STRIPE_SECRET_KEY && !env.STRIPE_WEBHOOK_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['STRIPE_WEBHOOK_SECRET'], message: 'is required when STRIPE_SECRET_KEY is set (webhooks must be verified)' });
    }
    // POST /dev/clock moves the clock that decides access deadlines and publication: one
    // forgotten variable on a production server must stop it starting, not open that door.
    if (env.DRUMBEAT_TEST_CLOCK === 'on' && env.NODE_ENV === 'production') {
      ctx.addIssue({ code: 'custom', path: ['DRUMBEAT_TEST_CLOCK'], message: 'must not be "on" with NODE_ENV=production (it lets anyone move the server\'s clock)' });
    }
  })
  .transform((env) => ({
    ...env,
    // Unset, the public origin is wherever this server listens.
    SITE_URL: env.SITE_URL ?? `http://${env.HOST}:${env.PORT}`,
    DATABASE_URL: env.DATABASE_URL ?? `file:${path.join(env.DATA_DIR, 'drumbeat.db')}`,
  }));

export type Env = z.infer<typeof envSchema>;

export class EnvError extends Error {}

/** Validates an environment; a bad value throws one line naming the variable. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const cleaned: Record<string, string> = {};
  for (const [k, v] of Object.entries(source)) if (v !== undefined && v !== '') cleaned[k] = v;
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const name = String(issue.path[0] ?? 'environment');
    throw new EnvError(`Invalid configuration: ${name} ${issue.message}`);
  }
  return result.data;
}

let cached: Env | undefined;

export function getEnv(): Env {
  return (cached ??= parseEnv(process.env));
}

/** Tests that change process.env call this to have it read again. */
export function resetEnvCache(): void {
  cached = undefined;
}
