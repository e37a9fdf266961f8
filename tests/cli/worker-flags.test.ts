import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/content.ts';

// `drumbeat worker` runs with V8's young generation capped and its heap sized for memory
// (src/cli/drumbeat.mjs, decisions 037 and 041),
// started as users start it: node_modules/.bin/drumbeat, whose sh line execs Node 24 in its place.
// Other commands keep Node's defaults. The Node it became prints its own flags first.

const PRINT_FLAGS = "--import=data:text/javascript,process.stderr.write('node-flags='+JSON.stringify(process.execArgv)+'\\n')";

function nodeFlagsOf(command: string[]): Promise<string[]> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'drumbeat-worker-flags-'));
  const child = spawn(path.join(ROOT, 'node_modules/.bin/drumbeat'), command, {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir, NODE_OPTIONS: PRINT_FLAGS },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  return new Promise<string[]>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      const m = /node-flags=(.*)\n/.exec(err);
      if (!m) return;
      child.kill('SIGTERM');
      resolve(JSON.parse(m[1]!) as string[]);
    });
    child.once('exit', () => reject(new Error(`exited before printing its flags: ${err}`)));
  }).finally(() => {
    const gone = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', r));
    return gone.then(() => rmSync(dataDir, { recursive: true, force: true }));
  });
}

describe('the node the bin starts', () => {
  it('caps the young generation and sizes the heap for memory for worker, and only for worker', { timeout: 60_000 }, async () => {
    expect(await nodeFlagsOf(['worker'])).toEqual(['--max-semi-space-size=8', '--optimize-for-size']);
    expect(await nodeFlagsOf(['--help'])).toEqual([]);
  });
});
