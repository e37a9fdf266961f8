#!/bin/sh
":" //; r=$(readlink -f "$0") && n="${r%/*}/../../node_modules/node/bin/node" && [ -x "$n" ] && { f=; [ "$1" = worker ] && f="--max-semi-space-size=8 --optimize-for-size"; exec "$n" $f "$r" "$@"; }; exec node "$0" "$@"
// The `drumbeat` bin. `npx drumbeat` runs it from node_modules/.bin (linked from src/cli/package.json,
// not the root package's "bin": npx installs a root bin into its cache first and warns EBADENGINE
// on the machine's Node 20, docs/decisions/017). The line above is read by sh and is a string and a
// comment to Node: run as a program, it starts the project's Node 24 straight away rather than the
// machine's Node 20 first, which would only start Node 24 (one Node start less, decision 031).
// `worker` gets a young generation of at most 3 × 8 MB: V8 grows it to 3 × 32 MB over a send's
// stream of 2.5 MB batch bodies and keeps it, which put a send's peak above 250 MB; capped, the
// same send is as fast (decision 037). And V8's heap sized for memory, not speed: otherwise the old
// generation grew by ~35 MB of garbage per 100,000 emails before its first full collection, so a
// send's peak grew with its length (decision 041). V8 takes flags only at start, hence here; the
// sh line above says the same as WORKER_FLAGS.
// Node 24 runs our TypeScript itself (type stripping); only the React Email templates (.tsx) need a
// compiler, loaded by the first command that renders an email (./tsx-hooks.mjs).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const WORKER_FLAGS = ['--max-semi-space-size=8', '--optimize-for-size'];
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  // Called as `node drumbeat.mjs` with a shell's own Node 20: hand over to the project's Node 24,
  // the one npm installs for every script, rather than refuse.
  const node24 = fileURLToPath(new URL('../../node_modules/node/bin/node', import.meta.url));
  if (!existsSync(node24) || process.env.DRUMBEAT_REEXEC) {
    console.error(`drumbeat: needs Node 22.12 or newer (this is ${process.version}); run "npm install", then "npx drumbeat" inside the project`);
    process.exit(1);
  }
  const flags = process.argv[2] === 'worker' ? WORKER_FLAGS : [];
  const child = spawn(node24, [...flags, fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, DRUMBEAT_REEXEC: '1' } });
  // A stop asked of this process (systemd, a container runtime) is the command's to handle, e.g.
  // `worker` finishing its batch; the command exits and this with it, with its code.
  for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
} else {
  // V8's compiled code and the stripped TypeScript of every module, kept between runs: a command
  // compiles its few hundred modules once, not at every start. Keyed by each file's contents, so an
  // edited source is compiled afresh; a cache that cannot be written only costs the time it saves.
  const { enableCompileCache } = await import('node:module');
  enableCompileCache?.(fileURLToPath(new URL('../../node_modules/.cache/drumbeat-cli', import.meta.url)));
  await import('../server/resolve-hooks.mjs');
  await import('./tsx-hooks.mjs');
  // zod, yaml, drizzle-orm and temporal-polyfill from one bundle, not ~300 modules (decision 038).
  (await import('./vendor-hooks.mjs')).registerBundleHooks();
  const { main } = await import('./main.ts');
  process.exitCode = await main(process.argv.slice(2));
}
