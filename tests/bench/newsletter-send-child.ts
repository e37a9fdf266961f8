// Runs in its own process so its peak RSS is the sender's alone: fills a database with
// subscribers, measures render + personalize, then delivers one Note to all of them (or, with
// BENCH_STOP_AFTER, stops the send once that many are sent: the 1,000,000-recipient row).
import { fileURLToPath } from 'node:url';
import { getDb } from '../../src/lib/core/db/client.server.ts';
import { prepareDatabase } from '../../src/lib/core/db/migrate.server.ts';
import { deliver } from '../../src/lib/newsletter/delivery/deliver.server.ts';
import { renderApart, renderInProcessFrom } from '../../src/lib/newsletter/delivery/render-apart.server.ts';
import { newsletterBatches } from '../../src/lib/newsletter/delivery/send-batches.server.ts';

const mb = (bytes: number) => bytes / 1024 / 1024;
const count = Number(process.env.BENCH_SUBSCRIBERS);
const rps = Number(process.env.BENCH_RPS);
const stopAfter = process.env.BENCH_STOP_AFTER ? Number(process.env.BENCH_STOP_AFTER) : undefined;
const rssAtStartMb = mb(process.memoryUsage().rss);
await prepareDatabase();
// The list is filled by a process of its own (BENCH_FILL, newsletter.ts): a sender never inserts
// its subscribers, and SQLite's memory for inserting a million rows is not the send's.
if (process.env.BENCH_FILL) {
  await fill();
  process.exit(0);
}
async function fill() {
  await getDb().$client.execute({
    sql: `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
        INSERT INTO subscribers (email, lang, status, source, consent_version, consent_at, created_at, updated_at)
        SELECT 'reader' || i || '@example.com', 'en', 'active', 'bench', 'bench', 0, 0, 0 FROM n`,
    args: [count],
  });
}
const plan = { noteNumber: 205, lang: 'en', noteLang: 'en', fallback: false } as const;

const renderStart = performance.now();
// As `drumbeat worker` renders (src/cli/newsletter.ts): in a process of its own, whose modules
// leave with it (the time includes its start). deliver renders the same way below.
renderInProcessFrom(fileURLToPath(new URL('../../src/cli/render-child.ts', import.meta.url)));
const rendered = await renderApart(plan);
const renderMs = performance.now() - renderStart;
// What the send does per recipient: their copy written into a batch's request body.
const write = newsletterBatches(rendered, []);
const batches = 100;
const personalizeStart = performance.now();
for (let b = 0; b < batches; b++) write(Array.from({ length: 100 }, (_, i) => ({ id: b * 100 + i, email: `reader${b * 100 + i}@example.com` }))).release();
const personalizeMs = (performance.now() - personalizeStart) / (batches * 100);

// The modules alone (drizzle, libsql, React, MDX) set a floor; what the send adds on top is the
// figure that shows whether the list is streamed and the bodies let go.
const rssBeforeSendMb = mb(process.memoryUsage().rss);
const peakBeforeSendMb = process.resourceUsage().maxRSS / 1024;
// RSS over the send, sampled: at 10% and at the end it shows whether it is flat.
const trace: Record<string, number>[] = [];
let sentSoFar = 0;
let peakDuringSendMb = rssBeforeSendMb;
const sampler = setInterval(() => {
  peakDuringSendMb = Math.max(peakDuringSendMb, mb(process.memoryUsage().rss));
}, 100);
const stop = new AbortController();
const start = performance.now();
const result = await deliver(plan, {
  requestsPerSecond: rps,
  signal: stop.signal,
  onProgress: ({ sent }) => {
    sentSoFar = sent;
    if (trace.length === 0 || sent - trace.at(-1)!.sent! >= (stopAfter ?? count) / 10) {
      const m = process.memoryUsage();
      trace.push({ sent, rssMb: Math.round(mb(m.rss)), heapMb: Math.round(mb(m.heapTotal)), usedMb: Math.round(mb(m.heapUsed)), arrayBuffersMb: Math.round(mb(m.arrayBuffers)) });
    }
    if (stopAfter !== undefined && sent >= stopAfter) stop.abort();
  },
});
const seconds = (performance.now() - start) / 1000;
clearInterval(sampler);
console.log(
  JSON.stringify({
    result,
    sent: sentSoFar,
    seconds,
    renderMs,
    personalizeMs,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    rssAtStartMb,
    peakBeforeSendMb,
    rssBeforeSendMb,
    peakDuringSendMb,
    rssAfterSendMb: mb(process.memoryUsage().rss),
    trace,
  }),
);
