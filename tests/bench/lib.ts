// Shared plumbing for the benchmarks: child processes that are always cleaned up, a server on
// 127.0.0.1, timing, and the result format that run.ts prints and saves.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIsCurrent } from '../../src/server/build-stamp.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const RESULTS_DIR = path.join(ROOT, 'tests', 'bench', 'results');
export const ASTRO_BIN = path.join(ROOT, 'node_modules', 'astro', 'bin', 'astro.mjs');
export const SAMPLE_OUT_DIR = path.join(ROOT, 'dist');

export interface Figure {
  label: string;
  value: number | string | boolean;
  unit?: string;
  goal?: string;
  /** undefined when the figure is informational */
  pass?: boolean;
}

export interface BenchResult {
  name: string;
  figures: Figure[];
  details: Record<string, unknown>;
}

export type Bench = () => Promise<BenchResult>;

export function saveResult(result: BenchResult): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${result.name}.json`);
  writeFileSync(file, `${JSON.stringify({ ...result, at: new Date().toISOString(), node: process.version, cpus: os.cpus().length }, null, 2)}\n`);
  return file;
}

export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), `drumbeat-bench-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export const seconds = (ms: number) => Math.round(ms / 10) / 100;

// Every child we start is tracked so an error, Ctrl-C or a forgotten stop() never leaves a
// server running.
const children = new Set<ChildProcess>();
function killAll(): void {
  for (const child of children) child.kill('SIGKILL');
}
process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    killAll();
    process.exit(130);
  });
}

function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

/** Runs `node <args>` with output going to a log file (astro prints a warning per MDX file). */
export async function runNode(args: string[], opts: { cwd: string; env?: Record<string, string>; log: string }): Promise<number> {
  mkdirSync(path.dirname(opts.log), { recursive: true });
  const log = createWriteStream(opts.log);
  const started = performance.now();
  const child = track(spawn(process.execPath, args, {
    cwd: opts.cwd,
    env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  }));
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  const elapsed = performance.now() - started;
  await new Promise((resolve) => log.end(resolve));
  if (code !== 0) throw new Error(`node ${args.join(' ')} exited with ${code}; see ${path.relative(ROOT, opts.log)}`);
  return elapsed;
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitForPort(port: number, child: ChildProcess, log: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode} before listening; see ${path.relative(ROOT, log)}`);
    // A bare TCP connect, so readiness checks never warm a page or the catalog.
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`server did not listen on port ${port} within ${timeoutMs} ms`);
}

export interface RunningServer {
  origin: string;
  /** the server's DATA_DIR (its SQLite file, outbox) */
  dataDir: string;
  stop: () => Promise<void>;
}

/** Starts a built Drumbeat server (<outDir>/server/entry.mjs) on 127.0.0.1 with a throwaway DATA_DIR. */
export async function startServer(outDir: string, log: string, env: Record<string, string> = {}): Promise<RunningServer> {
  const port = await freePort();
  const data = tempDir('data');
  mkdirSync(path.dirname(log), { recursive: true });
  const out = createWriteStream(log);
  const child = track(spawn(process.execPath, [path.join(outDir, 'server', 'entry.mjs')], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: data.dir, DRUMBEAT_SCHEDULER: 'off', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  }));
  child.stdout!.pipe(out);
  child.stderr!.pipe(out);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    data.remove();
  };
  try {
    await waitForPort(port, child, log);
  } catch (err) {
    await stop();
    throw err;
  }
  return { origin: `http://127.0.0.1:${port}`, dataDir: data.dir, stop };
}

export async function withServer<T>(outDir: string, log: string, use: (server: RunningServer) => Promise<T>, env: Record<string, string> = {}): Promise<T> {
  const server = await startServer(outDir, log, env);
  try {
    return await use(server);
  } finally {
    await server.stop();
  }
}

/** The sample site in ./dist, built with `npm run build` unless the build stamp says it is current. */
export async function ensureSampleBuild(): Promise<{ rebuilt: boolean }> {
  if (buildIsCurrent(ROOT, SAMPLE_OUT_DIR)) return { rebuilt: false };
  await runNode([ASTRO_BIN, 'build', '--force'], { cwd: ROOT, log: path.join(RESULTS_DIR, 'sample-build.log') });
  return { rebuilt: true };
}

export async function fetchBytes(url: string): Promise<{ status: number; body: Buffer }> {
  const res = await fetch(url, { redirect: 'manual' });
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
}
