// `npm run bench` runs every benchmark; `npm run bench -- notes-serving` (or just `serving`) runs one.
// Prints a table with each figure's goal and writes tests/bench/results/<name>.json.
import os from 'node:os';
import path from 'node:path';
import { adminDashboardBench, adminSubscriberSearchBench } from './admin.ts';
import { cliBench } from './cli.ts';
import { growthBench } from './growth.ts';
import { ROOT, saveResult, type Bench, type BenchResult, type Figure } from './lib.ts';
import { mediaRange } from './media.ts';
import { notesBuild } from './notes-build.ts';
import { notesPageWeight } from './notes-page-weight.ts';
import { notesServing } from './notes-serving.ts';
import { newsletterSend, newsletterSubscribe } from './newsletter.ts';
import { paymentsGated, paymentsWebhooks } from './payments.ts';
import { searchBench } from './search.ts';

const BENCHES: Record<string, Bench> = {
  'notes-build': notesBuild,
  'notes-page-weight': notesPageWeight,
  'notes-serving': notesServing,
  'newsletter-send': newsletterSend,
  'newsletter-subscribe': newsletterSubscribe,
  'payments-gated': paymentsGated,
  'payments-webhooks': paymentsWebhooks,
  'admin-dashboard': adminDashboardBench,
  'admin-subscriber-search': adminSubscriberSearchBench,
  search: searchBench,
  cli: cliBench,
  growth: growthBench,
  'media-range': mediaRange,
};

const args = process.argv.slice(2);
const wanted = args.map((arg) => (arg in BENCHES ? arg : [`notes-${arg}`, `newsletter-${arg}`, `payments-${arg}`, `admin-${arg}`, `media-${arg}`].find((n) => n in BENCHES) ?? arg));
const unknown = args.filter((_, i) => !(wanted[i]! in BENCHES));
if (unknown.length > 0) {
  console.error(`Unknown benchmark ${unknown.join(', ')}; choose from: ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}

const format = (f: Figure) => (typeof f.value === 'number' ? f.value.toLocaleString('en-US') : String(f.value)) + (f.unit ? ` ${f.unit}` : '');

const rows: string[][] = [];
let failed = false;
for (const name of wanted.length > 0 ? wanted : Object.keys(BENCHES)) {
  console.log(`▶ ${name}…`);
  // Other work on the machine skews every figure; the load when a benchmark starts says how much.
  const loadAverage = os.loadavg()[0]!.toFixed(2);
  const started = performance.now();
  let result: BenchResult;
  try {
    result = await BENCHES[name]!();
  } catch (err) {
    failed = true;
    console.error(`✗ ${name}: ${(err as Error).stack ?? err}`);
    const message = (err as Error).message.split('\n')[0]!;
    rows.push([name, message.length > 70 ? `${message.slice(0, 69)}…` : message, '', '', 'ERROR']);
    continue;
  }
  result.details = { ...result.details, loadAverageAtStart: Number(loadAverage), wallSeconds: Math.round((performance.now() - started) / 1000) };
  const file = saveResult(result);
  console.log(`✓ ${name} in ${result.details.wallSeconds} s (load average ${loadAverage}) → ${path.relative(ROOT, file)}`);
  for (const f of result.figures) {
    if (f.pass === false) failed = true;
    rows.push([name, f.label, format(f), f.goal ?? '', f.pass === undefined ? '' : f.pass ? 'pass' : 'FAIL']);
  }
}

const header = ['benchmark', 'figure', 'value', 'goal', 'result'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => cells.map((c, i) => (i === 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${rows.map(line).join('\n')}`);
process.exitCode = failed ? 1 : 0;
