// The render process's entry (src/lib/newsletter/delivery/render-apart.server.ts), for the
// commands that send (worker, newsletter send): renders one plan at the sender's clock,
// writes it to stdout as JSON, and exits. Started with the sender's Node flags; the hooks the
// `drumbeat` CLI registers in its own thread (drizzle's resolution, the .tsx compiler) are
// registered here too, and compiled code is cached as the CLI caches it (decision 031).
import { enableCompileCache } from 'node:module';
import { fileURLToPath } from 'node:url';

enableCompileCache?.(fileURLToPath(new URL('../../node_modules/.cache/drumbeat-cli', import.meta.url)));
await import('../server/resolve-hooks.mjs');
await import('./tsx-hooks.mjs');
const { renderPlan } = await import('../lib/newsletter/delivery/newsletter-email.server.ts');
const { plan, now } = JSON.parse(process.env.DRUMBEAT_RENDER_PLAN!) as { plan: Parameters<typeof renderPlan>[0]; now: number };
const rendered = await renderPlan(plan, { now });
process.stdout.write(JSON.stringify(rendered));
