// Issue 12: how long the author waits for the CLI. Wall time of `npx drumbeat --help`,
// `node_modules/.bin/drumbeat --help` and `node_modules/.bin/drumbeat access list` (1,000 purchases),
// from a shell as the author has it (the machine's Node and npx, no node_modules/.bin on PATH), in
// alternating rounds with two references measured in the same rounds: a bare Node 24 start and npx
// running a bin that does nothing (what npx itself costs). The goals are for an idle machine: read
// them with the load average printed beside each figure.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, tempDir, type BenchResult, type Figure } from './lib.ts';
import { alternatingRounds, spread } from './reference.ts';
import { seedPurchases } from './seed.ts';

const ROUNDS = 7;
const PURCHASES = 1_000;
// BENCH_CLI_PROJECT names another checkout (with its node_modules) to time its CLI the same way,
// e.g. the commit before a change.
const PROJECT = path.resolve(process.env.BENCH_CLI_PROJECT ?? ROOT);
const NODE24 = path.join(PROJECT, 'node_modules', 'node', 'bin', 'node');
const BIN = path.join(PROJECT, 'node_modules', '.bin', 'drumbeat');
const TIME = '/usr/bin/time';

interface Run {
  wallMs: number;
  /** user + system CPU of the command and its children, where /usr/bin/time is there to say */
  cpuMs?: number;
}

/** The author's shell: `npm run bench` put node_modules/.bin (and its Node 24) first on PATH; they do not have it. */
function shellEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const PATH = (process.env.PATH ?? '').split(path.delimiter).filter((p) => !/node_modules[\\/]\.bin|node-gyp-bin/.test(p)).join(path.delimiter);
  const env: NodeJS.ProcessEnv = { ...process.env, PATH, ...extra };
  for (const key of Object.keys(env)) if (key.startsWith('npm_')) delete env[key];
  return env;
}

async function timed(cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; check: (out: string) => boolean }): Promise<Run> {
  const cpuFile = path.join(os.tmpdir(), `drumbeat-bench-cli-${process.pid}.time`);
  const withTime = existsSync(TIME);
  const [file, argv] = withTime ? [TIME, ['-f', '%U %S', '-o', cpuFile, cmd, ...args]] : [cmd, args];
  const started = performance.now();
  const child = spawn(file, argv, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const wallMs = performance.now() - started;
  if (code !== 0 || !opts.check(out)) throw new Error(`${cmd} ${args.join(' ')} exited ${code}: ${(err || out).slice(0, 300)}`);
  if (!withTime) return { wallMs };
  const [user, sys] = readFileSync(cpuFile, 'utf8').trim().split(/\s+/).slice(-2).map(Number);
  rmSync(cpuFile, { force: true });
  return { wallMs, cpuMs: ((user ?? 0) + (sys ?? 0)) * 1000 };
}

const sec = (ms: number) => Math.round(ms) / 1000;

export async function cliBench(): Promise<BenchResult> {
  const data = tempDir('cli');
  // A project with one do-nothing bin: npx's own cost of finding and running a local bin.
  const noop = tempDir('cli-npx');
  try {
    writeFileSync(path.join(noop.dir, 'package.json'), '{"name":"noop","version":"1.0.0","private":true}\n');
    mkdirSync(path.join(noop.dir, 'node_modules', '.bin'), { recursive: true });
    writeFileSync(path.join(noop.dir, 'node_modules', '.bin', 'noop'), '#!/bin/sh\necho noop\n');
    chmodSync(path.join(noop.dir, 'node_modules', '.bin', 'noop'), 0o755);

    const env = shellEnv({ DATA_DIR: data.dir });
    const isHelp = (out: string) => out.startsWith("drumbeat: the author's commands");
    const isList = (out: string) => out.trim().split('\n').length === PURCHASES;
    // The first run creates and migrates the database, and fills the compile cache.
    await timed(BIN, ['access', 'list'], { cwd: PROJECT, env, check: () => true });
    await seedPurchases(data.dir, PURCHASES);

    const subjects: { key: string; label: string; goalMs?: number; run: () => Promise<Run> }[] = [
      { key: 'node', label: 'reference: bare Node 24 start (node -e 0)', run: () => timed(NODE24, ['-e', '0'], { cwd: PROJECT, env, check: () => true }) },
      { key: 'npxNoop', label: 'reference: npx running a do-nothing local bin', run: () => timed('npx', ['noop'], { cwd: noop.dir, env, check: (o) => o.startsWith('noop') }) },
      { key: 'npxHelp', label: '`npx drumbeat --help`', goalMs: 1000, run: () => timed('npx', ['drumbeat', '--help'], { cwd: PROJECT, env, check: isHelp }) },
      { key: 'binHelp', label: '`node_modules/.bin/drumbeat --help`', goalMs: 300, run: () => timed(BIN, ['--help'], { cwd: PROJECT, env, check: isHelp }) },
      { key: 'binList', label: `\`drumbeat access list\` (${PURCHASES.toLocaleString('en-US')} purchases, no npx)`, goalMs: 500, run: () => timed(BIN, ['access', 'list'], { cwd: PROJECT, env, check: isList }) },
    ];
    for (const s of subjects) await s.run(); // warm-up: page cache, compile cache
    const loads = [os.loadavg()[0]!];
    const runs = await alternatingRounds(
      ROUNDS,
      Object.fromEntries(subjects.map((s) => [s.key, async () => {
        const r = await s.run();
        loads.push(os.loadavg()[0]!);
        return r;
      }])) as Record<string, () => Promise<Run>>,
    );
    const load = `load ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}`;

    const figures: Figure[] = [];
    const details: Record<string, unknown> = { rounds: ROUNDS, purchases: PURCHASES, loadAverages: loads.map((l) => Math.round(l * 100) / 100) };
    for (const s of subjects) {
      const walls = spread(runs[s.key]!.map((r) => r.wallMs));
      const cpus = runs[s.key]!.flatMap((r) => (r.cpuMs === undefined ? [] : [r.cpuMs]));
      const m = walls.median;
      figures.push({
        label: `${s.label}: median wall (min ${sec(walls.min)}, max ${sec(walls.max)}${cpus.length ? `, CPU ${sec(spread(cpus).median)}` : ''}; ${load})`,
        value: sec(m),
        unit: 's',
        ...(s.goalMs === undefined ? {} : { goal: `<= ${s.goalMs / 1000} s idle`, pass: m <= s.goalMs }),
      });
      details[s.key] = { wallMs: walls.values.map(Math.round), cpuMs: cpus.map(Math.round) };
    }
    return { name: 'cli', figures, details: { ...details, project: path.relative(ROOT, PROJECT) || '.' } };
  } finally {
    data.remove();
    noop.remove();
  }
}
