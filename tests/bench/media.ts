// Issue 12: a 64 KB Range request of a buyer's recording (/media/<product>/<file>, access checked
// against 10,000 stored purchases on every request), against a bare node:http server sending the
// same 64 KB from memory, in alternating rounds of the same run. Three contenders: the bare
// server, `npm start` (src/server/start.ts, whose front answers media before Astro) and the
// built entry.mjs alone (the Astro route, what a server started from dist/ does).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ensureSampleBuild, RESULTS_DIR, ROOT, SAMPLE_OUT_DIR, startServer, type BenchResult, type RunningServer } from './lib.ts';
import { seedPurchases, signedInBuyer } from './seed.ts';
import { alternatingRounds, formatSpread, load, ratioSpread, spread, startBareServer, wireHeaders } from './reference.ts';

const PRODUCT = 'okr-workshop-2027-03';
const MEDIA = `/media/${PRODUCT}/okr-workshop-sample.wav`;
const FILE = path.join(ROOT, 'content', 'media', PRODUCT, 'okr-workshop-sample.wav');
const RANGE = 'bytes=65536-131071';
const PURCHASES = 10_000;
const ROUNDS = 3;
const DURATION_S = 8;

/** 10,000 purchases, one of them the signed-in buyer's: the access query's real work. */
async function seedBuyer(server: RunningServer): Promise<string> {
  // entry.mjs migrates on its first request; start.ts before it listens.
  if ((await fetch(`${server.origin}/healthz`)).status !== 200) throw new Error('/healthz failed');
  await seedPurchases(server.dataDir, PURCHASES);
  return signedInBuyer(server.dataDir);
}

export async function mediaRange(): Promise<BenchResult> {
  const { rebuilt } = await ensureSampleBuild();
  // BENCH_MEDIA_ASTRO_OUT_DIR: another build (an older commit's) for the entry.mjs contender.
  const astroOut = process.env.BENCH_MEDIA_ASTRO_OUT_DIR ?? SAMPLE_OUT_DIR;
  const servers: RunningServer[] = [];
  try {
    const front = await startServer(SAMPLE_OUT_DIR, path.join(RESULTS_DIR, 'media-range.start.log'), { NODE_ENV: 'production' });
    servers.push(front);
    const astro = await startServer(astroOut, path.join(RESULTS_DIR, 'media-range.entry.log'), { NODE_ENV: 'production' }, 'astro');
    servers.push(astro);
    const headers = { cookie: await seedBuyer(front), range: RANGE };
    const astroHeaders = { cookie: await seedBuyer(astro), range: RANGE };
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
