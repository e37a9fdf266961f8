#!/usr/bin/env node
// The `drumbeat` bin. `npx drumbeat` runs it from node_modules/.bin (linked from src/cli/package.json,
// not the root package's "bin": npx installs a root bin into its cache first and warns EBADENGINE
// on the machine's Node 20, docs/decisions/017) with the project's Node 24 first on PATH; tsx
// lets it run the TypeScript sources and the React Email templates (.tsx) directly.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  // Called outside npm (a shell's own Node 20): hand over to the project's Node 24, the one npm
  // installs for every script, rather than refuse.
  const node24 = fileURLToPath(new URL('../../node_modules/node/bin/node', import.meta.url));
  if (!existsSync(node24) || process.env.DRUMBEAT_REEXEC) {
    console.error(`drumbeat: needs Node 22.12 or newer (this is ${process.version}); run "npm install", then "npx drumbeat" inside the project`);
    process.exit(1);
  }
  const child = spawn(node24, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, DRUMBEAT_REEXEC: '1' } });
  // A stop asked of this process (systemd, a container runtime) is the command's to handle, e.g.
  // `worker` finishing its batch; the command exits and this with it, with its code.
  for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
} else {
  await import('../server/resolve-hooks.mjs');
  const { register } = await import('tsx/esm/api');
  // Our tsconfig (automatic JSX runtime) wherever the command is run from.
  register({ tsconfig: new URL('../../tsconfig.json', import.meta.url).pathname });
  const { main } = await import('./main.ts');
  process.exitCode = await main(process.argv.slice(2));
}
