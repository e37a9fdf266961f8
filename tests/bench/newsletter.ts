// The weekly send at scale: 100,000 subscribers through the fake Resend, which enforces a
// 10 requests/second limit like the real one; and the subscribe endpoint under load.
import { spawn } from 'node:child_process';
import path from 'node:path';
import autocannon from 'autocannon';
import { FakeResend, serveFakeResend } from '../mocks/fake-resend.ts';
import { ensureSampleBuild, ROOT, SAMPLE_OUT_DIR, seconds, tempDir, withServer, RESULTS_DIR, type BenchResult } from './lib.ts';

const SUBSCRIBERS = 100_000;
const RPS = 10;
const CEILING = RPS * 100;

export async function newsletterSend(): Promise<BenchResult> {
  const fake = new FakeResend(RPS);
  fake.keepBodies = false;
  const resend = await serveFakeResend(fake);
  const data = tempDir('send');
  try {
    const child = spawn(process.execPath, ['--import', path.join(ROOT, 'src/server/resolve-hooks.mjs'), '--import', 'tsx', path.join(ROOT, 'tests/bench/newsletter-send-child.ts')], {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: data.dir, RESEND_API_KEY: 're_bench', RESEND_BASE_URL: resend.url, BENCH_SUBSCRIBERS: String(SUBSCRIBERS), BENCH_RPS: String(RPS) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    if (code !== 0) throw new Error(`sender exited with ${code}: ${out}`);
    const r = JSON.parse(out.trim().split('\n').at(-1)!);
    const unique = new Set(fake.recipients()).size;
    if (r.result.sent !== SUBSCRIBERS || unique !== SUBSCRIBERS || fake.emails.length !== SUBSCRIBERS) {
      throw new Error(`expected ${SUBSCRIBERS} distinct deliveries, got sent=${r.result.sent}, recorded=${fake.emails.length}, distinct=${unique}`);
    }
    const rate = SUBSCRIBERS / r.seconds;
    const rejected = fake.requests.filter((q) => q.status === 429).length;
    return {
      name: 'newsletter-send',
      figures: [
        { label: `send to ${SUBSCRIBERS.toLocaleString('en-US')} subscribers`, value: seconds(r.seconds * 1000), unit: 's' },
        { label: 'emails/s reached', value: Math.round(rate), unit: 'emails/s' },
        { label: `fraction of ceiling (${RPS} req/s x 100 = ${CEILING})`, value: Number((rate / CEILING).toFixed(3)), goal: '>= 0.95', pass: rate / CEILING >= 0.95 },
        { label: 'render once (Note 205)', value: Number(r.renderMs.toFixed(1)), unit: 'ms' },
        { label: 'personalize per email', value: Number(r.personalizeMs.toFixed(4)), unit: 'ms', goal: '<= 0.5 ms', pass: r.personalizeMs <= 0.5 },
        { label: 'sender peak RSS', value: Math.round(r.peakRssMb), unit: 'MB', goal: '<= 250 MB', pass: r.peakRssMb <= 250 },
        { label: 'sender RSS before the send (modules, rendered Note)', value: Math.round(r.rssBeforeSendMb), unit: 'MB' },
        { label: 'sender RSS after 100,000 sent', value: Math.round(r.rssAfterSendMb), unit: 'MB' },
        { label: 'requests refused with 429 by the fake', value: rejected },
      ],
      details: { ...r, requests: fake.requests.length, rejected },
    };
  } finally {
    await resend.close();
    data.remove();
  }
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
