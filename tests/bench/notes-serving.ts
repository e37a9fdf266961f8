// Requests/second for a cached Note page, served the way `npm start` serves it, against (1) a bare
// node:http server answering the same bytes from memory and (2) a static file of the same bytes
// served by the same server, in alternating rounds of the same run. Every request asks for
// compression as a browser does, so all three put the same (brotli) bytes on the wire. The sample
// Note 205 sells a cohort, so each request also reads the database's change mark for its seat
// counts (docs/decisions/029, 039); a Note without live Offers is measured beside it.
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ensureSampleBuild, fetchBytes, rawGet, RESULTS_DIR, SAMPLE_OUT_DIR, withServer, type BenchResult } from './lib.ts';
import { SAMPLE_NOTE } from './notes-page-weight.ts';
import { alternatingRounds, formatSpread, load, ratioSpread, spread, startBareServer } from './reference.ts';

const PLAIN_NOTE = '/notes/203-when-to-drop-a-goal/';
const ROUNDS = 3;
const DURATION_S = 8;
const GOAL_BARE = 0.5;
const GOAL_STATIC = 1.0;
const STATIC_NAME = 'bench-static.html';
const ASK = { 'accept-encoding': 'gzip, deflate, br' };

const round2 = (n: number) => Math.round(n * 100) / 100;

export async function notesServing(): Promise<BenchResult> {
  const { rebuilt } = await ensureSampleBuild();
  const staticFile = path.join(SAMPLE_OUT_DIR, 'client', STATIC_NAME);
  const log = path.join(RESULTS_DIR, 'notes-serving.server.log');
  try {
    // The front reads dist/client when it starts: a first server renders the page, whose bytes
    // become the static file the second one serves.
    const page = await withServer(SAMPLE_OUT_DIR, log, async ({ origin }) => fetchBytes(origin + SAMPLE_NOTE));
    if (page.status !== 200) throw new Error(`${SAMPLE_NOTE} answered ${page.status}`);
    writeFileSync(staticFile, page.body);

    return await withServer(SAMPLE_OUT_DIR, log, async ({ origin }) => {
      // Warms the page cache, until the kept copy has its encodings; those bytes the bare server sends.
      let cached = await rawGet(origin + SAMPLE_NOTE, ASK);
      for (let i = 0; i < 100 && !cached.headers['content-encoding']; i++) {
        await new Promise((r) => setTimeout(r, 50));
        cached = await rawGet(origin + SAMPLE_NOTE, ASK);
      }
      const wire = cached.body;
      let plain = await rawGet(origin + PLAIN_NOTE, ASK);
      for (let i = 0; i < 100 && !plain.headers['content-encoding']; i++) {
        await new Promise((r) => setTimeout(r, 50));
        plain = await rawGet(origin + PLAIN_NOTE, ASK);
      }
      if (plain.status !== 200) throw new Error(`${PLAIN_NOTE} answered ${plain.status}`);
      const file = await fetchBytes(`${origin}/${STATIC_NAME}`);
      if (file.status !== 200 || !file.body.equals(page.body)) throw new Error(`/${STATIC_NAME} answered ${file.status} or not the file written`);
      const bare = await startBareServer(wire, cached.headers);
      try {
        const rounds = await alternatingRounds(ROUNDS, {
          bare: () => load(bare.origin + SAMPLE_NOTE, { durationSeconds: DURATION_S, headers: ASK }),
          note: () => load(origin + SAMPLE_NOTE, { durationSeconds: DURATION_S, headers: ASK }),
          plain: () => load(origin + PLAIN_NOTE, { durationSeconds: DURATION_S, headers: ASK }),
          static: () => load(`${origin}/${STATIC_NAME}`, { durationSeconds: DURATION_S, headers: ASK }),
        });
        const rps = (k: keyof typeof rounds) => rounds[k].map((r) => r.requestsPerSecond);
        const toBare = ratioSpread(rps('note'), rps('bare'));
        const toStatic = ratioSpread(rps('note'), rps('static'));
        const plainToStatic = ratioSpread(rps('plain'), rps('static'));
        const p99 = spread(rounds.note.map((r) => r.p99Ms));
        return {
          name: 'notes-serving',
          figures: [
            { label: `Note ${SAMPLE_NOTE} (${cached.headers['content-encoding'] ?? 'identity'}, ${wire.length} B): req/s`, value: formatSpread(spread(rps('note'))) },
            { label: 'bare node:http, same bytes: req/s', value: formatSpread(spread(rps('bare'))) },
            { label: `static file (${page.body.length} B) via the same server: req/s`, value: formatSpread(spread(rps('static'))) },
            { label: 'Note: p99 latency at saturation (ms)', value: formatSpread(p99, 1) },
            { label: 'ratio Note/bare server', value: `${formatSpread(toBare, 2)}`, goal: `>= ${GOAL_BARE}`, pass: toBare.median >= GOAL_BARE },
            { label: 'ratio Note/static file', value: `${formatSpread(toStatic, 2)}`, goal: `>= ${GOAL_STATIC}`, pass: round2(toStatic.median) >= GOAL_STATIC },
            { label: `Note without live Offers ${PLAIN_NOTE} (${plain.body.length} B): req/s`, value: formatSpread(spread(rps('plain'))) },
            { label: 'ratio Note without live Offers/static file', value: `${formatSpread(plainToStatic, 2)}`, goal: `>= ${GOAL_STATIC}`, pass: round2(plainToStatic.median) >= GOAL_STATIC },
          ],
          details: { sampleRebuilt: rebuilt, rounds: ROUNDS, durationSeconds: DURATION_S, wireBytes: wire.length, htmlBytes: page.body.length, headers: cached.headers, results: rounds },
        };
      } finally {
        await bare.stop();
      }
    });
  } finally {
    rmSync(staticFile, { force: true });
  }
}
