import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, inject, it } from 'vitest';
import { parseEnv } from '../../src/lib/core/env.server.ts';
import { ROOT } from '../helpers/content.ts';
import { freePort } from '../helpers/site.ts';

// docs/deploy.md is run, not only read: its environment file passes the start-up check, and the
// systemd unit's ExecStart, started the way systemd starts it (no shell, the unit's working
// directory and environment), serves and stops on the unit's KillSignal within TimeoutStopSec.

const doc = readFileSync(path.join(ROOT, 'docs/deploy.md'), 'utf8');
const block = (lang: string, containing: string) => [...doc.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!).find((b) => b.includes(containing))!;
const unit = block('ini', 'ExecStart=');
const directive = (name: string) => new RegExp(`^${name}=(.*)$`, 'm').exec(unit)?.[1]?.trim();

it('documents an environment file that the start-up check accepts', () => {
  const lines = block('sh', 'SITE_URL=https://').split('\n').filter((l) => /^[A-Z_]+=/.test(l));
  const env = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  expect(Object.keys(env)).toEqual(expect.arrayContaining(['SITE_URL', 'NODE_ENV', 'DRUMBEAT_TRUST_PROXY', 'RESEND_API_KEY', 'EMAIL_FROM']));
  expect(() => parseEnv(env)).not.toThrow();
});

it('runs the unit’s ExecStart as systemd would, and stops cleanly on its KillSignal', async () => {
  const [command, ...args] = directive('ExecStart')!.split(/\s+/);
  expect(directive('KillSignal')).toBe('SIGTERM');
  const stopWithin = Number(directive('TimeoutStopSec')) * 1000;
  const port = await freePort();
  const child = spawn(command!, args, {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      SITE_URL: `http://127.0.0.1:${port}`,
      HOST: '127.0.0.1',
      PORT: String(port),
      NODE_ENV: 'production',
      DRUMBEAT_TRUST_PROXY: 'on',
      DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'drumbeat-unit-')),
      DRUMBEAT_OUT_DIR: inject('sampleOutDir'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    await expect
      .poll(async () => {
        if (child.exitCode !== null) throw new Error(`exited early:\n${output}`);
        return (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.status;
      }, { timeout: 90_000, interval: 200 })
      .toBe(200);
    expect(await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()).toEqual({ ok: true });
  } finally {
    child.kill('SIGTERM');
  }
  const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), stopWithin))]);
  if (code === 'timeout') child.kill('SIGKILL');
  expect(code, output).toBe(0);
  // In production every line the server writes is one JSON event (a first start after new sources
  // builds before it serves, and the build speaks for itself).
  const lines = output.split('\n').filter((l) => l.trim());
  const served = lines.slice(lines.findIndex((l) => l.startsWith('{')));
  expect(served.length).toBeGreaterThan(0);
  expect(served.filter((l) => !l.startsWith('{'))).toEqual([]);
}, 150_000);
