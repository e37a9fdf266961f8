// `npm run start:fakes`: the site as `npm start` runs it, with payments switched on against the fake
// Stripe (its test checkout page takes any email; paying sends the signed webhook). For trying the
// whole purchase locally without a Stripe account. Emails go to the outbox as usual.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FakeStripe, serveFakeStripe } from './fake-stripe.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const port = process.env.PORT ?? '4321';
const host = process.env.HOST ?? 'localhost';
const siteUrl = process.env.SITE_URL ?? `http://${host}:${port}`;
const webhookSecret = `whsec_local_fake_${randomBytes(12).toString('hex')}`;

const fake = new FakeStripe();
const stripe = await serveFakeStripe(fake, { webhookUrl: `${siteUrl}/webhooks/stripe`, webhookSecret });
console.log(`Fake Stripe listening on ${stripe.url} (test checkout pages at ${stripe.url}/pay/<session>)`);

const site = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src/server/start.ts')], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, STRIPE_SECRET_KEY: 'sk_test_local_fake', STRIPE_WEBHOOK_SECRET: webhookSecret, STRIPE_API_BASE: stripe.url },
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => site.kill(signal));
site.on('exit', (code) => {
  void stripe.close().finally(() => process.exit(code ?? 0));
});
