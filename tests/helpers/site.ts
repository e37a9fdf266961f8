import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './content.ts';

export const NODE24 = path.join(ROOT, 'node_modules', '.bin', 'node');

/** Runs a real `astro build`; the output is returned for tests that expect it to fail. */
export function buildSite(outDir: string, contentDir = path.join(ROOT, 'content')) {
  const r = spawnSync(NODE24, [path.join(ROOT, 'node_modules/astro/bin/astro.mjs'), 'build', '--force'], {
    cwd: ROOT,
    encoding: 'utf8',
    // As `npm start` builds: for production (vitest's NODE_ENV=test would compile development JSX).
    env: { ...process.env, NODE_ENV: 'production', DRUMBEAT_CONTENT_DIR: contentDir, DRUMBEAT_OUT_DIR: outDir, ASTRO_TELEMETRY_DISABLED: '1', NO_COLOR: '1' },
  });
  return { code: r.status, output: `${r.stdout}\n${r.stderr}` };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export interface RunningSite {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
  /** Moves the server's clock (DRUMBEAT_TEST_CLOCK=on). */
  setClock(at: string): Promise<void>;
  logs(): string;
}

/** Starts a built site the way `npm start` does, on a free port with its own data dir. */
export async function startSite(outDir: string, env: Record<string, string> = {}): Promise<RunningSite> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'drumbeat-data-'));
  const child = spawn(NODE24, ['--import', 'tsx', path.join(ROOT, 'src/server/start.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      SITE_URL: url,
      DATA_DIR: dataDir,
      DRUMBEAT_OUT_DIR: outDir,
      DRUMBEAT_SCHEDULER: 'off',
      DRUMBEAT_TEST_CLOCK: 'on',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${output}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not answer /healthz within 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    dataDir,
    logs: () => output,
    async setClock(at: string) {
      const res = await fetch(`${url}/dev/clock`, { method: 'POST', headers: { 'content-type': 'application/json', origin: url }, body: JSON.stringify({ at }) });
      if (!res.ok) throw new Error(`setClock failed: ${res.status} ${await res.text()}`);
    },
    async stop() {
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
