import { spawn } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './content.ts';
import { NODE24 } from './site.ts';

/** `npx drumbeat …` as a real process, without blocking the test's event loop (servers it talks to keep answering). */
export function runDrumbeat(args: string[], env: Record<string, string | undefined>): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(NODE24, [path.join(ROOT, 'src/cli/drumbeat.mjs'), ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => resolve({ code, out, err }));
  });
}
