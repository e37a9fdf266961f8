#!/usr/bin/env node
// The `drumbeat` bin. npm puts the project's Node 24 first on PATH for `npx drumbeat`; tsx lets
// it run the TypeScript sources and the React Email templates (.tsx) directly.
const [major] = process.versions.node.split('.').map(Number);
if (major < 22) {
  console.error(`drumbeat: needs Node 22.12 or newer (this is ${process.version}); run it as "npx drumbeat" inside the project`);
  process.exit(1);
}
await import('../server/resolve-hooks.mjs');
const { register } = await import('tsx/esm/api');
// Our tsconfig (automatic JSX runtime) wherever the command is run from.
register({ tsconfig: new URL('../../tsconfig.json', import.meta.url).pathname });
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
