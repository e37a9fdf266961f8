// Issue 12's growth table: does a figure get worse as the data grows? The cached Note page with
// 100, 1,000 and 10,000 Notes (× en and it), and the gated /library/<id>/ page with 1,000, 10,000
// and 100,000 purchases. Each row is its own server; the rows of a table are measured in
// alternating rounds (100, 1k, 10k, 100, 1k, 10k, …) so the machine's noise falls on all of them
// alike, and each is given as a ratio to the first row. A ratio under 0.8 is flagged: per-request
// work that grows with the data is a bug unless explained.
//
// Builds of generated Notes are slow (10,000 Notes: minutes), so each is kept in
// tests/bench/.cache/growth/ and reused while the sources and the generator are unchanged.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sourceFingerprint } from '../../src/server/build-stamp.ts';
import { generateNotes } from './generate-notes.ts';
import { ASTRO_BIN, ensureSampleBuild, RESULTS_DIR, ROOT, runNode, SAMPLE_OUT_DIR, startServer, type BenchResult, type Figure, type RunningServer } from './lib.ts';
import { alternatingRounds, formatSpread, load, ratioSpread, spread } from './reference.ts';
import { GATED_PRODUCT, seedPurchases, signedInBuyer } from './seed.ts';

// GROWTH_NOTES=100,1000 (or GROWTH_PURCHASES=…) measures other rows, e.g. without the slow 10k build.
const counts = (name: string, fallback: number[]) => process.env[name]?.split(',').map(Number).filter((n) => n > 0) ?? fallback;
const NOTE_COUNTS = counts('GROWTH_NOTES', [100, 1_000, 10_000]);
const PURCHASE_COUNTS = counts('GROWTH_PURCHASES', [1_000, 10_000, 100_000]);
const ROUNDS = 3;
const ROUND_SECONDS = 5;
const CONNECTIONS = 100;
const FLAG_BELOW = 0.8;
const CACHE = path.join(ROOT, 'tests', 'bench', '.cache', 'growth');
const log = (name: string) => path.join(RESULTS_DIR, `growth.${name}.log`);

interface Row {
  label: string;
  url: string;
  headers?: Record<string, string>;
}

async function check(url: string, headers: Record<string, string>, expect: string): Promise<void> {
  // Twice: the first request of a Note renders and caches it; the table measures the cached page.
  for (let i = 0; i < 2; i++) {
    const res = await fetch(url, { headers, redirect: 'manual' });
    const body = await res.text();
    if (res.status !== 200 || !body.includes(expect)) throw new Error(`${url} answered ${res.status} without "${expect}"`);
  }
}

/** Alternating rounds over the rows; one figure per row in req/s, and per-round ratios to the first row. */
async function table(name: string, rows: Row[]): Promise<{ figures: Figure[]; details: Record<string, unknown> }> {
  // A short unmeasured load on each row first: the first row would otherwise also pay for JIT warm-up.
  for (const row of rows) await load(row.url, { connections: CONNECTIONS, durationSeconds: 2, headers: row.headers });
  const loads = [os.loadavg()[0]!];
  const measured = await alternatingRounds(
    ROUNDS,
    Object.fromEntries(rows.map((row) => [row.label, async () => {
      const r = await load(row.url, { connections: CONNECTIONS, durationSeconds: ROUND_SECONDS, headers: row.headers });
      loads.push(os.loadavg()[0]!);
      return r.requestsPerSecond;
    }])) as Record<string, () => Promise<number>>,
  );
  const loadText = `load ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}`;
  const first = rows[0]!;
  const figures: Figure[] = [];
  for (const [i, row] of rows.entries()) {
    const rps = spread(measured[row.label]!);
    figures.push({ label: `${name}, ${row.label}: req/s, median (min–max) ${formatSpread(rps)}; ${loadText}`, value: Math.round(rps.median), unit: 'req/s' });
    if (i === 0) continue;
    const ratio = ratioSpread(measured[row.label]!, measured[first.label]!);
    figures.push({ label: `${name}, ${row.label} / ${first.label}, per round ${formatSpread(ratio, 2)}`, value: Math.round(ratio.median * 100) / 100, goal: `>= ${FLAG_BELOW} (flat)`, pass: ratio.median >= FLAG_BELOW });
  }
  return { figures, details: { loadAverages: loads.map((l) => Math.round(l * 100) / 100), rounds: Object.fromEntries(rows.map((r) => [r.label, measured[r.label]!.map(Math.round)])) } };
}

interface NotesBuild {
  contentDir: string;
  outDir: string;
  notePath: string;
  buildSeconds: number;
  reused: boolean;
}

/** The built site for `count` generated Notes: from the cache when its stamp matches, else built now. */
async function notesBuild(count: number): Promise<NotesBuild> {
  const dir = path.join(CACHE, `notes-${count}`);
  const contentDir = path.join(dir, 'content');
  const outDir = path.join(dir, 'dist');
  const stampFile = path.join(dir, 'stamp.json');
  const generator = createHash('sha256').update(readFileSync(new URL('./generate-notes.ts', import.meta.url))).digest('hex');
  const stamp = `${sourceFingerprint(ROOT)}:${generator}:${count}`;
  const kept = existsSync(stampFile) ? (JSON.parse(readFileSync(stampFile, 'utf8')) as { stamp: string; notePath: string; buildSeconds: number }) : undefined;
  if (kept?.stamp === stamp && existsSync(path.join(outDir, 'server', 'entry.mjs'))) return { contentDir, outDir, notePath: kept.notePath, buildSeconds: kept.buildSeconds, reused: true };

  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const content = generateNotes(contentDir, count);
  // The same Note in every row: the first English one (each later Note cites earlier ones).
  const notePath = content.paths[0]!;
  const ms = await runNode([ASTRO_BIN, 'build', '--force'], { cwd: ROOT, env: { DRUMBEAT_CONTENT_DIR: contentDir, DRUMBEAT_OUT_DIR: outDir }, log: log(`build-${count}`) });
  const buildSeconds = Math.round(ms / 100) / 10;
  writeFileSync(stampFile, `${JSON.stringify({ stamp, notePath, buildSeconds })}\n`);
  return { contentDir, outDir, notePath, buildSeconds, reused: false };
}

async function notesTable(): Promise<{ figures: Figure[]; details: Record<string, unknown> }> {
  const builds: NotesBuild[] = [];
  let rebuilt = false;
  try {
    for (const count of NOTE_COUNTS) {
      const b = await notesBuild(count);
      rebuilt ||= !b.reused;
      builds.push(b);
    }
  } finally {
    // Our builds wrote the generated collection into .astro/, which the normal build and `astro dev`
    // share; sync puts the real content back.
    if (rebuilt) await runNode([ASTRO_BIN, 'sync', '--force'], { cwd: ROOT, log: log('resync') }).catch((err) => console.warn(`astro sync failed: ${err.message}`));
  }
  const servers: RunningServer[] = [];
  try {
    const rows: Row[] = [];
    for (const [i, b] of builds.entries()) {
      const server = await startServer(b.outDir, log(`notes-${NOTE_COUNTS[i]}`), { DRUMBEAT_CONTENT_DIR: b.contentDir });
      servers.push(server);
      await check(server.origin + b.notePath, {}, '<h1');
      rows.push({ label: `${NOTE_COUNTS[i]!.toLocaleString('en-US')} Notes`, url: server.origin + b.notePath });
    }
    const t = await table('cached Note page', rows);
    const buildFigures: Figure[] = builds.map((b, i) => ({
      label: `build of ${NOTE_COUNTS[i]!.toLocaleString('en-US')} Notes × 2 languages${b.reused ? ' (kept from an earlier run)' : ''}`,
      value: b.buildSeconds,
      unit: 's',
    }));
    return { figures: [...t.figures, ...buildFigures], details: { ...t.details, notePaths: builds.map((b) => b.notePath), reused: builds.map((b) => b.reused) } };
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

async function gatedTable(): Promise<{ figures: Figure[]; details: Record<string, unknown> }> {
  const { rebuilt } = await ensureSampleBuild();
  const servers: RunningServer[] = [];
  try {
    const rows: Row[] = [];
    const gated = `/library/${GATED_PRODUCT}/`;
    for (const count of PURCHASE_COUNTS) {
      const server = await startServer(SAMPLE_OUT_DIR, log(`gated-${count}`), { STRIPE_SECRET_KEY: 'sk_test_bench', STRIPE_WEBHOOK_SECRET: 'whsec_bench_growth_0123456789abcdef', STRIPE_API_BASE: 'http://127.0.0.1:9' });
      servers.push(server);
      // The first request migrates the database.
      if ((await fetch(`${server.origin}/healthz`)).status !== 200) throw new Error('/healthz failed');
      await seedPurchases(server.dataDir, count);
      const cookie = await signedInBuyer(server.dataDir);
      await check(server.origin + gated, { cookie }, `/media/${GATED_PRODUCT}/`);
      rows.push({ label: `${count.toLocaleString('en-US')} purchases`, url: server.origin + gated, headers: { cookie } });
    }
    const t = await table(`gated ${gated}`, rows);
    return { figures: t.figures, details: { ...t.details, sampleRebuilt: rebuilt } };
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

export async function growthBench(): Promise<BenchResult> {
  const notes = await notesTable();
  const gated = await gatedTable();
  return {
    name: 'growth',
    figures: [...notes.figures, ...gated.figures],
    details: { connections: CONNECTIONS, roundSeconds: ROUND_SECONDS, rounds: ROUNDS, notes: notes.details, gated: gated.details },
  };
}
