// The weekly send at scale: 100,000 subscribers through the fake Resend, which enforces a
// 10 requests/second limit like the real one; and the subscribe endpoint under load.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import { FakeResend, serveFakeResend } from '../mocks/fake-resend.ts';
import { ensureSampleBuild, ROOT, SAMPLE_OUT_DIR, seconds, tempDir, withServer, RESULTS_DIR, type BenchResult } from './lib.ts';

const SUBSCRIBERS = 100_000;
/** The bin's flags for `drumbeat worker`, read from the bin itself so the two cannot drift. */
const WORKER_FLAGS = JSON.parse(/const WORKER_FLAGS = (\[[^\]]*\]);/.exec(readFileSync(path.join(ROOT, 'src/cli/drumbeat.mjs'), 'utf8'))![1]!.replaceAll("'", '"')) as string[];
const RPS = 10;
const CEILING = RPS * 100;

interface SendRun {
  result: { state: string; sent?: number };
  sent: number;
  seconds: number;
  renderMs: number;
  personalizeMs: number;
  peakRssMb: number;
  rssAtStartMb: number;
  peakBeforeSendMb: number;
  rssBeforeSendMb: number;
  peakDuringSendMb: number;
  rssAfterSendMb: number;
  trace: Record<string, number>[];
}

/** One sender process against a fake Resend (limited to `limit` req/s, or not at all). */
async function runSend(opts: { subscribers: number; rps: number; limit?: number; stopAfter?: number }) {
  const fake = new FakeResend(opts.limit);
  fake.keepBodies = false;
  const resend = await serveFakeResend(fake);
  const data = tempDir('send');
  try {
    const env = {
      ...process.env,
      DATA_DIR: data.dir,
      RESEND_API_KEY: 're_bench',
      RESEND_BASE_URL: resend.url,
      BENCH_SUBSCRIBERS: String(opts.subscribers),
      BENCH_RPS: String(opts.rps),
      ...(opts.stopAfter ? { BENCH_STOP_AFTER: String(opts.stopAfter) } : {}),
    };
    // Started as the bin starts `drumbeat worker` (src/cli/drumbeat.mjs): its V8 flags, Node's own
    // type stripping, and the CLI's hooks (drizzle's resolution, the templates' compiler), no tsx.
    const args = [...WORKER_FLAGS, '--import', path.join(ROOT, 'src/server/resolve-hooks.mjs'), '--import', path.join(ROOT, 'src/cli/tsx-hooks.mjs'), path.join(ROOT, 'tests/bench/newsletter-send-child.ts')];
    // The subscribers first, by a process of their own; then the sender, on the filled database.
    const filler = spawn(process.execPath, args, { cwd: ROOT, env: { ...env, BENCH_FILL: '1' }, stdio: ['ignore', 'inherit', 'inherit'] });
    const filled = await new Promise<number | null>((resolve) => filler.on('exit', resolve));
    if (filled !== 0) throw new Error(`filling the list exited with ${filled}`);
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    if (code !== 0) throw new Error(`sender exited with ${code}: ${out}`);
    const r = JSON.parse(out.trim().split('\n').at(-1)!) as SendRun;
    const expected = opts.stopAfter ?? opts.subscribers;
    const unique = new Set(fake.recipients()).size;
    // Exactly once: every recipient the sender counts as sent reached the fake once, no more.
    if (r.sent < expected || unique !== fake.emails.length || fake.emails.length !== r.sent) {
      throw new Error(`expected ${expected} distinct deliveries, got sent=${r.sent}, recorded=${fake.emails.length}, distinct=${unique}`);
    }
    return { r, requests: fake.requests.length, rejected: fake.requests.filter((q) => q.status === 429).length };
  } finally {
    await resend.close();
    data.remove();
  }
}

// The RSS rows: the same sender with 10k, 100k (the timed send above) and 1M recipients. The
// growth rows run against an unlimited fake at GROWTH_RPS; the 1M one stops after
// GROWTH_PARTIAL emails (a whole 1M send is 10,000 requests: 17 minutes at 10 req/s), which is
// enough to show whether the list's size reaches the sender's memory.
const GROWTH_RPS = 20;
const GROWTH_PARTIAL = 20_000;

export async function newsletterSend(): Promise<BenchResult> {
  const main = await runSend({ subscribers: SUBSCRIBERS, rps: RPS, limit: RPS });
  const r = main.r;
  if (r.result.state !== 'done' || r.sent !== SUBSCRIBERS) throw new Error(`the send ended ${r.result.state} after ${r.sent}`);
  const small = await runSend({ subscribers: 10_000, rps: GROWTH_RPS });
  const large = await runSend({ subscribers: 1_000_000, rps: GROWTH_RPS, stopAfter: GROWTH_PARTIAL });
  const rate = SUBSCRIBERS / r.seconds;
  const growth = (x: SendRun) => Math.round(x.peakDuringSendMb - x.rssBeforeSendMb);
  const row = (label: string, x: SendRun) => ({
    label: `${label}: RSS before the send / peak during it / process peak`,
    value: `${Math.round(x.rssBeforeSendMb)} / ${Math.round(x.peakDuringSendMb)} / ${Math.round(x.peakRssMb)} MB`,
  });
  const flat = Math.max(...[small.r, r, large.r].map((x) => x.peakRssMb)) - Math.min(...[small.r, r, large.r].map((x) => x.peakRssMb));
  return {
    name: 'newsletter-send',
    figures: [
      { label: `send to ${SUBSCRIBERS.toLocaleString('en-US')} subscribers`, value: seconds(r.seconds * 1000), unit: 's' },
      { label: 'emails/s reached', value: Math.round(rate), unit: 'emails/s' },
      { label: `fraction of ceiling (${RPS} req/s x 100 = ${CEILING})`, value: Number((rate / CEILING).toFixed(3)), goal: '>= 0.95', pass: rate / CEILING >= 0.95 },
      { label: 'requests refused with 429 by the fake (steady limit)', value: main.rejected, goal: '0', pass: main.rejected === 0 },
      { label: 'render once (Note 205)', value: Number(r.renderMs.toFixed(1)), unit: 'ms' },
      { label: 'personalize per email', value: Number(r.personalizeMs.toFixed(4)), unit: 'ms', goal: '<= 0.5 ms', pass: r.personalizeMs <= 0.5 },
      { label: 'sender peak RSS (100,000)', value: Math.round(r.peakRssMb), unit: 'MB', goal: '<= 250 MB', pass: r.peakRssMb <= 250 },
      { label: "sender RSS at start (node and the bin's hooks)", value: Math.round(r.rssAtStartMb), unit: 'MB' },
      { label: 'sender RSS before the send (modules, rendered Note)', value: Math.round(r.rssBeforeSendMb), unit: 'MB' },
      { label: 'sender RSS after 100,000 sent', value: Math.round(r.rssAfterSendMb), unit: 'MB' },
      row('10,000 recipients', small.r),
      row('100,000 recipients', r),
      row(`1,000,000 recipients (first ${GROWTH_PARTIAL.toLocaleString('en-US')} sent)`, large.r),
      { label: 'RSS growth over the send, 10k / 100k / 1M', value: `${growth(small.r)} / ${growth(r)} / ${growth(large.r)} MB` },
      { label: 'process peak RSS spread across 10k, 100k, 1M', value: Math.round(flat), unit: 'MB', goal: '<= 25 MB (flat)', pass: flat <= 25 },
    ],
    details: { main: { ...r, requests: main.requests, rejected: main.rejected }, small: small.r, large: { ...large.r, partialAfter: GROWTH_PARTIAL }, growthRps: GROWTH_RPS },
  };
}

export async function newsletterSubscribe(): Promise<BenchResult> {
  await ensureSampleBuild();
  process.env.DRUMBEAT_SUBSCRIBE_IP_LIMIT = '100000000';
  try {
    return await withServer(SAMPLE_OUT_DIR, path.join(RESULTS_DIR, 'newsletter-subscribe.server.log'), async ({ origin }) => {
      const r = await autocannon({
        url: `${origin}/subscribe`,
        connections: 100,
        duration: 20,
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', origin },
        body: 'email=bench-[<id>]%40example.com&lang=en&source=%2F',
        idReplacement: true,
      });
      const non2xx = r.non2xx + r.errors + r.timeouts;
      return {
        name: 'newsletter-subscribe',
        figures: [
          { label: 'POST /subscribe requests/s (100 conn, 20 s)', value: Math.round(r.requests.average), unit: 'req/s' },
          { label: 'POST /subscribe p99 latency', value: r.latency.p99, unit: 'ms' },
          { label: 'non-2xx, errors, timeouts', value: non2xx, goal: '0', pass: non2xx === 0 },
        ],
        details: { requests: r.requests.total, averageMs: r.latency.average, non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts },
      };
    });
  } finally {
    delete process.env.DRUMBEAT_SUBSCRIBE_IP_LIMIT;
  }
}
