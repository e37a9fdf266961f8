import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { nowMs } from '../../core/clock.ts';
import type { RenderedEmail } from '../../email/rendered.ts';
import type { SendPlan } from '../plan.ts';

// The one render of a send, in a process of its own that exits when it is done. React, React
// Email, the MDX compiler and the templates take about 100 MB once loaded, and a module once
// loaded stays for the life of its process: rendered in the sender, they would sit under every
// batch of the send. A thread that exits was tried first: its heap goes, but its malloc arena
// and the main thread's peak do not (docs/decisions/037). A process gives all of it back.
//
// Only where this module runs from source (the `drumbeat` CLI and worker, tests, benchmarks): the
// process's entry is the file beside it. Inside the built server (dist/server), whose one module
// graph already holds its pages and templates, the render runs in place.
// (The entry's path is joined, not `new URL(…, import.meta.url)`, which a bundler would take for an asset.)
const FROM_SOURCE = import.meta.url.endsWith('.ts');

export async function renderApart(plan: SendPlan): Promise<RenderedEmail> {
  const now = nowMs();
  if (!FROM_SOURCE) return (await import('./newsletter-email.server.ts')).renderPlan(plan, { now });
  const child = spawn(process.execPath, [...process.execArgv, path.join(path.dirname(fileURLToPath(import.meta.url)), 'render-child.ts')], {
    env: { ...process.env, DRUMBEAT_RENDER_PLAN: JSON.stringify({ plan, now }) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (d: Buffer) => out.push(d));
  child.stderr.on('data', (d: Buffer) => err.push(d));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (code !== 0) throw new Error(`rendering Note ${plan.noteNumber} (${plan.lang}) failed: ${Buffer.concat(err).toString().trim() || `exit ${code}`}`);
  return JSON.parse(Buffer.concat(out).toString()) as RenderedEmail;
}
