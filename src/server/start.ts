// `npm start`: check the configuration, build if the sources changed, migrate the database,
// then serve the site (and, unless DRUMBEAT_SCHEDULER=off, run the jobs beside it).
import './resolve-hooks.mjs';
import { spawnSync } from 'node:child_process';
import type { Server } from 'node:http';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { contentProblems } from '../app/content-check.ts';
import { EnvError, parseEnv } from '../lib/core/env.server.ts';
import { loadSiteConfig } from '../lib/core/site.ts';
import { onStopRequest, STOP_GRACE_MS, within } from '../jobs/stop-signal.server.ts';
import { buildIsCurrent, RUNTIME_FILE } from './build-stamp.ts';
import { installFront, type FrontHandler } from './front.ts';
import { guardMethods } from './method-guard.ts';
import { staticAssets } from './static-assets.ts';
import { mediaFront } from './media-front.ts';
import { hostProblem, listenProblem, trackRequests } from './drain.ts';
import { unwritableReason } from './writable.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
// DRUMBEAT_OUT_DIR: the tests and benchmarks serve builds made elsewhere.
const outDir = path.resolve(root, process.env.DRUMBEAT_OUT_DIR ?? 'dist');

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

// Only pure checks run from the sources; everything with state (clock, database, caches) comes
// from the build below, where the pages have it too.
let env;
try {
  env = parseEnv(process.env);
} catch (err) {
  if (err instanceof EnvError) fail(err.message);
  throw err;
}

const unreachableHost = await hostProblem(env.HOST, env.PORT);
if (unreachableHost) fail(unreachableHost);

// Broken content stops start-up with every problem on a line of its own (file: problem), before
// a build that would refuse it or a sales page that would answer 500.
const problems = contentProblems(path.resolve(env.DRUMBEAT_CONTENT_DIR));
if (problems.length > 0) fail(problems.join('\n'));
const { languages } = loadSiteConfig(path.resolve(env.DRUMBEAT_CONTENT_DIR));

// The database, the outbox and the generated secret live in DATA_DIR (and the embedded database
// wherever DATABASE_URL puts it): a read-only or full disk stops start-up here, in one line,
// rather than as a 500 on the first subscribe.
const dataDir = path.resolve(env.DATA_DIR);
const dataDirProblem = unwritableReason(dataDir);
if (dataDirProblem) fail(`Cannot write to DATA_DIR ${dataDir} (${dataDirProblem}); the database, outbox and secret need a writable folder.`);
if (env.DATABASE_URL.startsWith('file:')) {
  const dbDir = path.dirname(fileURLToPath(new URL(env.DATABASE_URL, pathToFileURL(`${process.cwd()}/`))));
  const dbDirProblem = dbDir === dataDir ? undefined : unwritableReason(dbDir);
  if (dbDirProblem) fail(`Cannot write to ${dbDir}, the folder of DATABASE_URL (${dbDirProblem}).`);
}

if (!buildIsCurrent(root, outDir)) {
  console.log('Building the site (sources changed since the last build)…');
  const astro = path.join(root, 'node_modules', 'astro', 'bin', 'astro.mjs');
  // --force: the content layer's cache under .astro/ may describe another content folder (tests and
  // benchmarks build other ones), and a stale cache can point the build at files that are gone.
  const result = spawnSync(process.execPath, [astro, 'build', '--force'], {
    cwd: root,
    stdio: 'inherit',
    // A build is always one to serve: compiled for production whatever NODE_ENV this shell has, so
    // a server started later with NODE_ENV=production finds production code (React's JSX runtime
    // has no development entry points there).
    env: { ...process.env, NODE_ENV: 'production', ASTRO_TELEMETRY_DISABLED: '1' },
  });
  if (result.status !== 0) fail('The build failed; see the messages above.');
}

const runtime: typeof import('./runtime.ts') = await import(pathToFileURL(path.join(outDir, 'server', RUNTIME_FILE)).href);

try {
  await runtime.prepareDatabase();
} catch (err) {
  // A database that cannot be written (read-only file, full disk) or reached: one line, exit 1.
  fail(`Cannot prepare the database: ${String((err as Error).message ?? err).split('\n')[0]}`);
}

process.env.PORT = String(env.PORT);
process.env.HOST = env.HOST;
process.env.ASTRO_NODE_AUTOSTART = 'disabled';
// Ours says it below, through the one log (a JSON line in production, like every other).
process.env.ASTRO_NODE_LOGGING = 'disabled';
const server = await import(pathToFileURL(path.join(outDir, 'server', 'entry.mjs')).href);
const started = server.startServer();
const httpServer: Server = started.server.server;
// The adapter rejects this promise with a listen error nobody awaits, and the process then ended
// with code 0 and no word: the error is reported below instead, in one line.
started.done.catch(() => undefined);
// Before the first request arrives (listen() has not yet completed). What needs no rendering is
// answered before the adapter (docs/decisions/028): the files of dist/client from memory, media
// ranges after the access check (030), then pages the page cache holds.
const front: FrontHandler[] = [staticAssets(path.join(outDir, 'client')), mediaFront(runtime), runtime.servePage];
installFront(httpServer, front, {
  requestIdFrom: runtime.requestIdFrom,
  onError: (err, req) => runtime.log.error('front.error', { method: req.method, path: req.url?.split('?')[0], message: String((err as Error)?.message ?? err) }),
});
// Outermost: the method guard sees every request first, as before.
guardMethods(httpServer, languages);
const requests = trackRequests(httpServer);
await new Promise<void>((resolve) => {
  httpServer.once('listening', resolve);
  httpServer.once('error', (err) => fail(listenProblem(err, env.HOST, env.PORT)));
});

runtime.log.info('server.listening', { url: `http://${env.HOST.includes(':') ? `[${env.HOST}]` : env.HOST}:${env.PORT}`, site: env.SITE_URL });

// Search warm-up (issue 13): the index is built now, in the background, not on the first search.
runtime.warmSearchIndex().then(
  (ms) => runtime.log.info('search.ready', { ms: Math.round(ms) }),
  (err: unknown) => runtime.log.error('search.warm', { message: String((err as Error)?.message ?? err) }),
);

// Until it stops, `drumbeat db restore` refuses to replace the database under this server.
const presence = await runtime.announcePresence('server');
// The jobs run beside the site; several servers may run them at once (each job claims its work
// in the database).
const scheduler = env.DRUMBEAT_SCHEDULER === 'on' ? runtime.startScheduler() : undefined;

// A stop (SIGTERM from systemd or a container runtime, Ctrl-C, npm going away): no new
// connections, the requests in flight and the send batch in flight finish, the send lets go of
// its lease so the next start resumes it at once, the database is closed, exit 0. What is not
// done within STOP_GRACE_MS is cut, with exit 1 (docs/decisions/022).
onStopRequest((reason) => {
  runtime.log.info('server.stop', { reason, inFlight: requests.inFlight(), message: `finishing the requests in flight${scheduler ? ' and the jobs' : ''}, at most ${STOP_GRACE_MS / 1000} s` });
  httpServer.close();
  void (async () => {
    const finished = await within(STOP_GRACE_MS, Promise.all([requests.drained(), scheduler?.stop()]));
    if (!finished) runtime.log.error('server.stop', { inFlight: requests.inFlight(), message: `stopped after ${STOP_GRACE_MS / 1000} s with requests still in flight; a send in progress resumes when its lease expires` });
    httpServer.closeAllConnections();
    await within(2_000, presence.stop());
    runtime.closeDb();
    process.exit(finished ? 0 : 1);
  })();
});
