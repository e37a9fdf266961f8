// Issue 12: a 64 KB Range request of a buyer's recording (/media/<product>/<file>, access checked
// against 10,000 stored purchases on every request), against a bare node:http server sending the
// same 64 KB from memory, in alternating rounds of the same run. Three contenders: the bare
// server, `npm start` (src/server/start.ts, whose front answers media before Astro) and the
// built entry.mjs alone (the Astro route, what a server started from dist/ does).
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createClient } from '@libsql/client';
import { hashToken, newSecretToken } from '../../src/lib/auth/tokens.ts';
import { ensureSampleBuild, freePort, RESULTS_DIR, ROOT, SAMPLE_OUT_DIR, tempDir, type BenchResult, type RunningServer } from './lib.ts';
import { alternatingRounds, formatSpread, load, ratioSpread, spread, startBareServer, wireHeaders } from './reference.ts';

const PRODUCT = 'okr-workshop-2027-03';
const MEDIA = `/media/${PRODUCT}/okr-workshop-sample.wav`;
const FILE = path.join(ROOT, 'content', 'media', PRODUCT, 'okr-workshop-sample.wav');
const RANGE = 'bytes=65536-131071';
const PURCHASES = 10_000;
const ROUNDS = 3;
const DURATION_S = 8;

/** The built server started one of two ways: `npm start`'s start.ts, or entry.mjs alone. */
async function start(how: 'start.ts' | 'entry.mjs', outDir: string, log: string): Promise<RunningServer> {
  const port = await freePort();
  const data = tempDir('media');
  mkdirSync(path.dirname(log), { recursive: true });
  const out = createWriteStream(log);
  const args = how === 'start.ts' ? ['--import', 'tsx', path.join(ROOT, 'src/server/start.ts')] : [path.join(outDir, 'server', 'entry.mjs')];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'production', PORT: String(port), HOST: '127.0.0.1', DATA_DIR: data.dir, DRUMBEAT_OUT_DIR: outDir, DRUMBEAT_SCHEDULER: 'off' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  const origin = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(kill, 5000);
      await exited;
      clearTimeout(timer);
    }
    process.off('exit', kill);
    data.remove();
  };
  for (const deadline = Date.now() + 120_000; ; ) {
    if (child.exitCode !== null) throw new Error(`${how} exited with ${child.exitCode}; see ${log}`);
    if (await fetch(`${origin}/healthz`).then((r) => r.ok, () => false)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${how} did not answer /healthz; see ${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { origin, dataDir: data.dir, stop };
}

/** 10,000 purchases, one of them the signed-in buyer's: the access query's real work. */
async function seedBuyer(dataDir: string): Promise<string> {
  const db = createClient({ url: `file:${path.join(dataDir, 'drumbeat.db')}`, timeout: 10_000 });
  const now = Date.now();
  const until = now + 30 * 86_400_000;
  const products = [PRODUCT, 'okr-coach'];
  await db.batch(
    Array.from({ length: PURCHASES }, (_, i) => ({
      sql: `INSERT INTO purchases (email, product_id, cohort_id, lang, source, status, checkout_session_id, payment_intent_id, amount, currency, purchased_at, access_until, created_at, updated_at)
            VALUES (?, ?, ?, 'en', 'stripe', ?, ?, ?, 9700, 'eur', ?, ?, ?, ?)`,
      args: [`buyer${i % 7000}@example.com`, products[i % 2]!, i % 2 ? 'spring-2027' : null, i % 50 === 0 ? 'refunded' : 'paid', `cs_test_bench${i}`, `pi_test_bench${i}`, now, until, now, now],
    })),
    'write',
  );
  const token = newSecretToken();
  await db.execute({ sql: 'INSERT INTO sessions (id_hash, email, created_at, expires_at) VALUES (?, ?, ?, ?)', args: [hashToken(token), 'buyer42@example.com', now, now + 86_400_000] });
  db.close();
  return `drumbeat_session=${token}`;
}

export async function mediaRange(): Promise<BenchResult> {
  const { rebuilt } = await ensureSampleBuild();
  // BENCH_MEDIA_ASTRO_OUT_DIR: another build (an older commit's) for the entry.mjs contender.
  const astroOut = process.env.BENCH_MEDIA_ASTRO_OUT_DIR ?? SAMPLE_OUT_DIR;
  const servers: RunningServer[] = [];
  try {
    const front = await start('start.ts', SAMPLE_OUT_DIR, path.join(RESULTS_DIR, 'media-range.start.log'));
    servers.push(front);
    const astro = await start('entry.mjs', astroOut, path.join(RESULTS_DIR, 'media-range.entry.log'));
    servers.push(astro);
    const headers = { cookie: await seedBuyer(front.dataDir), range: RANGE };
    const astroHeaders = { cookie: await seedBuyer(astro.dataDir), range: RANGE };
    const expected = readFileSync(FILE).subarray(65_536, 131_072);
    let sample: Response | undefined;
    for (const [name, origin, h] of [['start.ts', front.origin, headers], ['entry.mjs', astro.origin, astroHeaders]] as const) {
      const res = await fetch(origin + MEDIA, { headers: h });
      const body = Buffer.from(await res.arrayBuffer());
      if (res.status !== 206 || !body.equals(expected)) throw new Error(`${name}: ${MEDIA} ${RANGE} answered ${res.status} with ${body.length} bytes, not the range`);
      sample ??= res;
    }
    const bare = await startBareServer(expected, wireHeaders(sample!));
    try {
      const rounds = await alternatingRounds(ROUNDS, {
        bare: () => load(bare.origin + MEDIA, { durationSeconds: DURATION_S, headers }),
        front: () => load(front.origin + MEDIA, { durationSeconds: DURATION_S, headers }),
        astro: () => load(astro.origin + MEDIA, { durationSeconds: DURATION_S, headers: astroHeaders }),
      });
      const rps = (k: keyof typeof rounds) => rounds[k].map((r) => r.requestsPerSecond);
      const frontRatio = ratioSpread(rps('front'), rps('bare'));
      const astroRatio = ratioSpread(rps('astro'), rps('bare'));
      return {
        name: 'media-range',
        figures: [
          { label: `bare node:http, 64 KB from memory: req/s, median (min–max) of ${ROUNDS}`, value: formatSpread(spread(rps('bare'))) },
          { label: '64 KB Range via npm start (front): req/s', value: formatSpread(spread(rps('front'))) },
          { label: '64 KB Range via entry.mjs (Astro route): req/s', value: formatSpread(spread(rps('astro'))) },
          { label: 'ratio front/bare, per round', value: formatSpread(frontRatio, 2), goal: '>= 0.5', pass: frontRatio.median >= 0.5 },
          { label: 'ratio Astro route/bare, per round', value: formatSpread(astroRatio, 2) },
          { label: 'front p99 at saturation, median', value: spread(rounds.front.map((r) => r.p99Ms)).median, unit: 'ms' },
        ],
        details: { sampleRebuilt: rebuilt, astroOutDir: astroOut, purchases: PURCHASES, range: RANGE, connections: 100, durationSeconds: DURATION_S, rounds },
      };
    } finally {
      await bare.stop();
    }
  } finally {
    for (const s of servers) await s.stop();
  }
}
