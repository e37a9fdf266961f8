// `npm start`: check the configuration, build if the sources changed, migrate the database,
// then serve the site (and, unless DRUMBEAT_SCHEDULER=off, run the weekly newsletter).
import './resolve-hooks.mjs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { EnvError, getEnv } from '../lib/core/env.server.ts';
import { buildIsCurrent } from './build-stamp.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
// DRUMBEAT_OUT_DIR: the tests and benchmarks serve builds made elsewhere.
const outDir = path.resolve(root, process.env.DRUMBEAT_OUT_DIR ?? 'dist');

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

let env;
try {
  env = getEnv();
} catch (err) {
  if (err instanceof EnvError) fail(err.message);
  throw err;
}

// A broken product file stops start-up with its file and field named, not a 500 on the sales page.
try {
  const { loadProducts } = await import('../lib/catalog/products.server.ts');
  const { getSite, contentDir } = await import('../lib/core/site.server.ts');
  loadProducts(contentDir(), getSite());
} catch (err) {
  fail((err as Error).message);
}

if (!buildIsCurrent(root, outDir)) {
  console.log('Building the site (sources changed since the last build)…');
  const astro = path.join(root, 'node_modules', 'astro', 'bin', 'astro.mjs');
  // --force: the content layer's cache under .astro/ may describe another content folder (tests and
  // benchmarks build other ones), and a stale cache can point the build at files that are gone.
  const result = spawnSync(process.execPath, [astro, 'build', '--force'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' },
  });
  if (result.status !== 0) fail('The build failed; see the messages above.');
}

const { prepareDatabase } = await import('../lib/core/db/migrate.server.ts');
await prepareDatabase();

process.env.PORT = String(env.PORT);
process.env.HOST = env.HOST;
process.env.ASTRO_NODE_AUTOSTART = 'disabled';
const server = await import(pathToFileURL(path.join(outDir, 'server', 'entry.mjs')).href);
server.startServer();

if (env.DRUMBEAT_SCHEDULER === 'on') {
  // The weekly newsletter runs beside the site; several servers may run it at once (the claim on
  // each send is taken in the database).
  const { startScheduler } = await import('../jobs/scheduler.server.ts');
  const scheduler = startScheduler();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void scheduler.stop().finally(() => process.exit(0));
    });
  }
}
