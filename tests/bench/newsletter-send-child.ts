// Runs in its own process so its peak RSS is the sender's alone: fills a database with
// subscribers, measures render + personalize, then delivers one Note to all of them.
import { getDb } from '../../src/lib/core/db/client.server.ts';
import { prepareDatabase } from '../../src/lib/core/db/migrate.server.ts';
import { deliver } from '../../src/lib/newsletter/delivery/deliver.server.ts';
import { personalizedEmail, renderPlan } from '../../src/lib/newsletter/delivery/newsletter-email.server.ts';

const count = Number(process.env.BENCH_SUBSCRIBERS);
const rps = Number(process.env.BENCH_RPS);
await prepareDatabase();
await getDb().$client.execute({
  sql: `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
        INSERT INTO subscribers (email, lang, status, source, consent_version, consent_at, created_at, updated_at)
        SELECT 'reader' || i || '@example.com', 'en', 'active', 'bench', 'bench', 0, 0, 0 FROM n`,
  args: [count],
});
const plan = { noteNumber: 205, lang: 'en', noteLang: 'en', fallback: false } as const;

const renderStart = performance.now();
const rendered = await renderPlan(plan);
const renderMs = performance.now() - renderStart;
const samples = 10_000;
const personalizeStart = performance.now();
for (let i = 0; i < samples; i++) personalizedEmail(rendered, { id: i, email: `reader${i}@example.com` }, []);
const personalizeMs = (performance.now() - personalizeStart) / samples;

// The modules alone (drizzle, libsql, React, MDX) set a floor; what the send adds on top is the
// figure that shows whether the list is streamed.
const rssBeforeSendMb = process.memoryUsage().rss / 1024 / 1024;
const start = performance.now();
const result = await deliver(plan, { requestsPerSecond: rps });
const seconds = (performance.now() - start) / 1000;
console.log(JSON.stringify({ result, seconds, renderMs, personalizeMs, peakRssMb: process.resourceUsage().maxRSS / 1024, rssBeforeSendMb, rssAfterSendMb: process.memoryUsage().rss / 1024 / 1024 }));
