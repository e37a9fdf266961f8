import { spawn } from 'node:child_process';
import { nowMs } from '../../core/clock.ts';
import type { RenderedEmail } from '../../email/rendered.ts';
import type { SendPlan } from '../plan.ts';

// The one render of a send, in a process of its own that exits when it is done. React, React
// Email, the MDX compiler and the templates take about 100 MB once loaded, and a module once
// loaded stays for the life of its process: rendered in the sender, they would sit under every
// batch of the send. A thread that exits was tried first: its heap goes, but its malloc arena
// and the main thread's peak do not (docs/decisions/037). A process gives all of it back.
//
// Only in a process that asked for it (renderInProcessFrom): the CLI's commands that send, and the
// send benchmark, give their entry. Elsewhere (the built server, whose one module graph holds its
// pages and templates anyway; tests) the render runs in place.
let entry: string | undefined;

/** The file a render process starts from; from then on this process renders each send apart. */
export function renderInProcessFrom(file: string): void {
  entry = file;
}

export async function renderApart(plan: SendPlan): Promise<RenderedEmail> {
  const now = nowMs();
  if (!entry) return (await import('./newsletter-email.server.ts')).renderPlan(plan, { now });
  const child = spawn(process.execPath, [...process.execArgv, entry], {
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
