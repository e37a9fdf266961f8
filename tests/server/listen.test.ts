import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { ROOT } from '../helpers/content.ts';
import { NODE24 } from '../helpers/site.ts';

// `npm start` that cannot listen ends with one line and exit 1; it used to end with exit 0 and no
// word, which a process manager reads as a clean stop.

const taken = net.createServer();
// Where this machine lets a process bind an address it does not have (net.ipv4.ip_nonlocal_bind=1,
// kept for fail-over addresses, or a sandboxed network stack), a foreign HOST is not an error and
// the server rightly listens: the test asks the machine first.
const FOREIGN = '203.0.113.7';
const bindsAnyAddress = await new Promise<boolean>((resolve) => {
  const probe = net.createServer();
  probe.once('error', () => resolve(false));
  probe.listen(0, FOREIGN, () => probe.close(() => resolve(true)));
});
afterAll(() => taken.close());

function start(command: string, args: string[], env: Record<string, string>) {
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'drumbeat-listen-')), DRUMBEAT_OUT_DIR: inject('sampleOutDir'), DRUMBEAT_SCHEDULER: 'off', NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  // A server that does start would never end: stopped after 60 s so the failure shows its output.
  const stop = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise<{ code: number | null; out: string; err: string }>((resolve) =>
    child.on('close', (code) => {
      clearTimeout(stop);
      resolve({ code, out, err });
    }),
  );
}

const server = (env: Record<string, string>) => start(NODE24, ['--import', 'tsx', path.join(ROOT, 'src/server/start.ts')], env);

describe('npm start that cannot listen', () => {
  it('a port already in use: exit 1, one line on stderr', { timeout: 120_000 }, async () => {
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = String((taken.address() as AddressInfo).port);
    const r = await server({ PORT: port, HOST: '127.0.0.1' });
    expect(r.code, r.out + r.err).toBe(1);
    expect(r.err.trim().split('\n')).toEqual([`Cannot listen on 127.0.0.1:${port}: the port is already in use (EADDRINUSE); stop what listens there or choose another PORT.`]);
    // Through npm as well (npm's own lines silenced): the exit code reaches the process manager.
    const viaNpm = await start('npm', ['start', '--silent'], { PORT: port, HOST: '127.0.0.1' });
    expect(viaNpm.code, viaNpm.out + viaNpm.err).toBe(1);
    expect(viaNpm.err.trim().split('\n')).toEqual([`Cannot listen on 127.0.0.1:${port}: the port is already in use (EADDRINUSE); stop what listens there or choose another PORT.`]);
  });

  it.skipIf(bindsAnyAddress)('a HOST address that is not this machine: exit 1, one line', { timeout: 120_000 }, async () => {
    const r = await server({ PORT: '4999', HOST: FOREIGN });
    expect(r.code, r.out + r.err).toBe(1);
    expect(r.err.trim().split('\n')).toEqual(['Cannot listen on 203.0.113.7:4999: HOST "203.0.113.7" is not an address of this machine (EADDRNOTAVAIL).']);
  });

  // The name is looked up before anything starts and for at most 10 s, so a machine whose name
  // server does not answer gets the line too (it waited minutes in silence before).
  it('a HOST name that does not resolve: exit 1, one line', { timeout: 120_000 }, async () => {
    const unknown = await server({ PORT: '4999', HOST: 'no-such-host.invalid' });
    expect(unknown.code, unknown.out + unknown.err).toBe(1);
    expect(unknown.err.trim().split('\n')).toHaveLength(1);
    expect(unknown.err).toMatch(/^Cannot listen on no-such-host\.invalid:4999: HOST "no-such-host\.invalid" (does not resolve to an address \(ENOTFOUND\)|could not be resolved \(EAI_AGAIN\)|could not be resolved within 10 s \(ETIMEOUT\))\.$/m);
  });
});
