// What every serving figure is measured against, in the same run: a bare node:http server with
// the same bytes in memory (what Node itself can do on this machine), rounds that alternate
// between the contenders so a burst of other work on the machine hits both, and load at a fixed
// offered rate, where p99 measures the server rather than the queue in front of it.
import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import autocannon from 'autocannon';
import { tempDir } from './lib.ts';

export interface Spread {
  min: number;
  median: number;
  max: number;
  values: number[];
}

export function spread(values: number[]): Spread {
  if (values.length === 0) throw new Error('spread() of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { min: sorted[0]!, median, max: sorted.at(-1)!, values };
}

/** "median (min–max)", the way the tables print a spread. */
export function formatSpread(s: Spread, digits = 0): string {
  const f = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  return `${f(s.median)} (${f(s.min)}–${f(s.max)})`;
}

/**
 * Runs each contender once per round, in turn, for `rounds` rounds (A B C, A B C, …), and gives
 * each one's spread. Ratios should be taken per round (see ratioSpread) so both sides of a ratio
 * saw the same moment of the machine.
 */
export async function alternatingRounds<K extends string, T>(rounds: number, contenders: Record<K, () => Promise<T>>): Promise<Record<K, T[]>> {
  const out = Object.fromEntries(Object.keys(contenders).map((k) => [k, [] as T[]])) as Record<K, T[]>;
  for (let round = 0; round < rounds; round++) {
    for (const key of Object.keys(contenders) as K[]) out[key].push(await contenders[key]());
  }
  return out;
}

/** Per-round ratios a[i] / b[i], as a spread. */
export function ratioSpread(a: number[], b: number[]): Spread {
  if (a.length !== b.length) throw new Error('ratioSpread() of rounds of different lengths');
  return spread(a.map((x, i) => x / b[i]!));
}

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  averageMs: number;
  requests: number;
  /** bytes per second received, headers included */
  throughputBytesPerSecond: number;
}

export interface LoadOptions {
  connections?: number;
  durationSeconds?: number;
  headers?: Record<string, string>;
  /** a fixed offered load across all connections, in requests per second */
  overallRate?: number;
  /** status codes that count as an answer (default: 2xx only) */
  expectStatus?: number[];
}

/** autocannon against one URL; any refused, failed or timed-out request makes the figure void. */
export async function load(url: string, options: LoadOptions = {}): Promise<LoadResult> {
  const { connections = 100, durationSeconds = 10, headers, overallRate, expectStatus } = options;
  const r = await autocannon({ url, connections, duration: durationSeconds, headers, ...(overallRate ? { overallRate } : {}) });
  const unexpected = expectStatus
    ? Object.entries(r.statusCodeStats ?? {}).filter(([code]) => !expectStatus.includes(Number(code))).reduce((n, [, s]) => n + s.count, 0)
    : r.non2xx;
  if (unexpected + r.errors + r.timeouts > 0) {
    throw new Error(`${url}: ${unexpected} unexpected statuses, ${r.errors} errors, ${r.timeouts} timeouts under load`);
  }
  return {
    requestsPerSecond: r.requests.average,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    averageMs: r.latency.average,
    requests: r.requests.total,
    throughputBytesPerSecond: r.throughput.average,
  };
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface BareServer {
  origin: string;
  stop: () => Promise<void>;
}

/**
 * A bare node:http server in its own process (like the server measured, so neither shares a core
 * with autocannon) answering every request with `body` and `headers`. Give it the headers the
 * real answer carries, so both put the same bytes on the wire.
 */
export async function startBareServer(body: Buffer, headers: Record<string, string> = {}): Promise<BareServer> {
  const port = await freePort();
  const temp = tempDir('bare');
  const file = path.join(temp.dir, 'body');
  writeFileSync(file, body);
  const child = fork(new URL('./bare-server.mjs', import.meta.url), [String(port), file, JSON.stringify(headers)], { stdio: 'ignore', execArgv: [] });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`the bare server exited with ${code} before listening`)));
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    temp.remove();
  };
  process.once('exit', () => child.kill('SIGKILL'));
  return { origin: `http://127.0.0.1:${port}`, stop };
}

/** The response headers worth copying into the bare server's answer (what the wire carries). */
export function wireHeaders(response: Response): Record<string, string> {
  const skip = new Set(['content-length', 'date', 'connection', 'keep-alive', 'transfer-encoding']);
  const out: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (!skip.has(name)) out[name] = value;
  });
  return out;
}
