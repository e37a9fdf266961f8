#!/usr/bin/env node
// The `drumbeat` bin. npm puts the project's Node 24 first on PATH for `npx drumbeat`, and Node 24
// runs the TypeScript sources directly.
const [major] = process.versions.node.split('.').map(Number);
if (major < 22) {
  console.error(`drumbeat: needs Node 22.12 or newer (this is ${process.version}); run it as "npx drumbeat" inside the project`);
  process.exit(1);
}
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
