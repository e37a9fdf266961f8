// Requests/second for a Note page (served from the route cache) against a static file of the same
// size served by the same server in the same run: the cache should make a Note nearly as cheap as a file.
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import { ensureSampleBuild, fetchBytes, RESULTS_DIR, SAMPLE_OUT_DIR, withServer, type BenchResult } from './lib.ts';
import { SAMPLE_NOTE } from './notes-page-weight.ts';

const CONNECTIONS = 100;
const DURATION_S = 20;
const GOAL_RATIO = 0.8;
const STATIC_NAME = 'bench-static.html';

interface Load {
  requestsPerSecond: number;
  p99Ms: number;
  averageMs: number;
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

async function load(url: string): Promise<Load> {
  const r = await autocannon({ url, connections: CONNECTIONS, duration: DURATION_S });
  const result = {
    requestsPerSecond: r.requests.average,
    p99Ms: r.latency.p99,
    averageMs: r.latency.average,
    requests: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
  };
  if (result.non2xx + result.errors + result.timeouts > 0) {
    throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts under load`);
  }
  return result;
}

export async function notesServing(): Promise<BenchResult> {
  const { rebuilt } = await ensureSampleBuild();
  const staticFile = path.join(SAMPLE_OUT_DIR, 'client', STATIC_NAME);
  const log = path.join(RESULTS_DIR, 'notes-serving.server.log');

  try {
    return await withServer(SAMPLE_OUT_DIR, log, async ({ origin }) => {
      // Rendering the Note once also warms the route cache. The adapter looks static files up on
      // disk per request, so the file of the same size can be written while the server runs.
      const page = await fetchBytes(origin + SAMPLE_NOTE);
      if (page.status !== 200) throw new Error(`${SAMPLE_NOTE} answered ${page.status}`);
      writeFileSync(staticFile, page.body);
      const file = await fetchBytes(`${origin}/${STATIC_NAME}`);
      if (file.status !== 200 || !file.body.equals(page.body)) throw new Error(`/${STATIC_NAME} answered ${file.status} or not the file written`);

      const note = await load(origin + SAMPLE_NOTE);
      const asset = await load(`${origin}/${STATIC_NAME}`);
      const ratio = note.requestsPerSecond / asset.requestsPerSecond;
      return {
        name: 'notes-serving',
        figures: [
          { label: `Note ${SAMPLE_NOTE}: requests/s`, value: Math.round(note.requestsPerSecond), unit: 'req/s' },
          { label: 'Note: p99 latency', value: note.p99Ms, unit: 'ms' },
          { label: `static file (${page.body.length} B): requests/s`, value: Math.round(asset.requestsPerSecond), unit: 'req/s' },
          { label: 'static file: p99 latency', value: asset.p99Ms, unit: 'ms' },
          { label: 'ratio Note/static', value: Math.round(ratio * 100) / 100, goal: `>= ${GOAL_RATIO}`, pass: ratio >= GOAL_RATIO },
        ],
        details: { sampleRebuilt: rebuilt, connections: CONNECTIONS, durationSeconds: DURATION_S, bytes: page.body.length, note, static: asset },
      };
    });
  } finally {
    rmSync(staticFile, { force: true });
  }
}
