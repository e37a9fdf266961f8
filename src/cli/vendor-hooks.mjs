// The packages every database command loads (zod, yaml, drizzle-orm, temporal-polyfill) are about
// 300 small modules, and Node's per-module work (resolve, read, compile, link) is most of a short
// command's start: `access list` spent more time loading modules than doing anything. Here they are
// bundled once with esbuild (the one tsx brings) into a few files under node_modules/.cache, and
// our own imports of them are pointed at those files (docs/decisions/038).
//
// The bundle is used only while it matches what is installed: its manifest lists every file it was
// built from with its size and modification time, and one changed, added (a new version writes new
// files and a new package.json) or removed file means it is not used and is built afresh. The first
// command after an install builds it (a second or two); one that finds another process building it,
// or that cannot build it (no esbuild, a read-only node_modules), runs from node_modules as before.
// DRUMBEAT_CLI_BUNDLE=off does the same on purpose; DRUMBEAT_CLI_BUNDLE_DEBUG=1 says why a build failed.
import module, { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PROJECT = pathToFileURL(path.join(ROOT, 'package.json')).href;
const OURS = ['src/', 'emails/'].map((dir) => pathToFileURL(path.join(ROOT, dir)).href);
// DRUMBEAT_CLI_BUNDLE_DIR puts it elsewhere (the tests, to build one of their own).
const CACHE = process.env.DRUMBEAT_CLI_BUNDLE_DIR ?? path.join(ROOT, 'node_modules', '.cache', 'drumbeat-cli-bundle');
const CURRENT = path.join(CACHE, 'current.json');

/**
 * Every specifier of these packages that our code imports at run time (tests/cli/loading.test.ts
 * fails on one missing here: it would load a second copy of the package from node_modules).
 */
export const BUNDLED = ['zod', 'yaml', 'drizzle-orm', 'drizzle-orm/errors', 'drizzle-orm/sqlite-core', 'drizzle-orm/libsql/sqlite3', 'drizzle-orm/libsql/migrator', 'temporal-polyfill'];
// Changes with what is built or how: a bundle from another list or layout is not used.
const FORMAT = `1 ${BUNDLED.join(' ')}`;

const fileName = (specifier) => `${specifier.replace(/\//g, '__')}.mjs`;
const stamp = (file) => {
  const s = statSync(file, { throwIfNoEntry: false });
  return s ? `${s.size}:${s.mtimeMs}` : 'missing';
};

/** Each bundled package's package.json, as it is now: what a failed build is remembered by. */
const packageStamps = () => [...new Set(BUNDLED.map((s) => s.split('/').slice(0, s.startsWith('@') ? 2 : 1).join('/')))].map((p) => {
  const file = `node_modules/${p}/package.json`;
  return [file, stamp(path.join(ROOT, file))];
});
const same = (inputs) => inputs.every(([file, was]) => stamp(path.join(ROOT, file)) === was);

/**
 * The bundle's folder URL when it matches the installed files; null when building it failed for
 * these very packages (not tried again at every start); undefined when it is to be built.
 */
function currentBundle() {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(CURRENT, 'utf8'));
  } catch {
    return undefined;
  }
  if (manifest.format !== FORMAT) return undefined;
  if (manifest.failed) return same(manifest.failed) ? null : undefined;
  // Every file it was built from, and each package's package.json (a new version changes it).
  if (!same(manifest.inputs)) return undefined;
  const dir = path.join(CACHE, manifest.dir);
  // A folder someone emptied by hand is built again rather than failing an import halfway.
  if (!manifest.outputs?.every((f) => existsSync(path.join(dir, f)))) return undefined;
  return pathToFileURL(dir + path.sep).href;
}

function isCommonJS(file) {
  if (file.endsWith('.cjs')) return true;
  if (file.endsWith('.mjs')) return false;
  for (let dir = path.dirname(file); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg)) return JSON.parse(readFileSync(pkg, 'utf8')).type !== 'module';
  }
  return true;
}

function makeCurrent(manifest) {
  const tmp = `${CURRENT}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ format: FORMAT, ...manifest }));
  renameSync(tmp, CURRENT);
}

/** Builds the bundle into a new folder and makes it current; null when it cannot. */
function build() {
  // One builder at a time; the others run from node_modules meanwhile. Each builds in a folder of
  // its own, so even two builders (a lock taken over) only make two complete bundles.
  const lock = path.join(CACHE, '.building');
  try {
    mkdirSync(CACHE, { recursive: true });
    // A build older than a minute was left by a process that died: take it over.
    if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 60_000) rmSync(lock, { recursive: true, force: true });
    mkdirSync(lock);
  } catch {
    return null; // another process is building it, or node_modules is read-only
  }
  const dir = `b${Date.now().toString(36)}${process.pid.toString(36)}`;
  const out = path.join(CACHE, dir);
  const work = `${out}.tmp`;
  let esbuild;
  try {
    esbuild = createRequire(import.meta.resolve('tsx'))('esbuild');
  } catch {
    rmSync(lock, { recursive: true, force: true });
    return null; // no esbuild (tsx not installed): nothing to remember, an install may bring it
  }
  building = true;
  try {
    const require = createRequire(import.meta.url);
    const entries = path.join(work, 'entries');
    mkdirSync(entries, { recursive: true });
    const entryPoints = {};
    for (const specifier of BUNDLED) {
      const file = path.join(entries, fileName(specifier));
      // Resolved as our code's import resolves it (the "import" condition), not as a require would.
      const resolved = fileURLToPath(import.meta.resolve(specifier));
      // esbuild cannot see the names of a CommonJS module's exports (yaml): they are written out.
      const names = isCommonJS(resolved) ? Object.keys(require(resolved)).filter((n) => /^[A-Za-z_$][\w$]*$/.test(n) && n !== 'default') : undefined;
      const from = JSON.stringify(resolved);
      writeFileSync(file, names ? `export { ${names.join(', ')} } from ${from};\nexport { default } from ${from};\n` : `export * from ${from};\n`);
      entryPoints[fileName(specifier).replace(/\.mjs$/, '')] = file;
    }
    const result = esbuild.buildSync({
      entryPoints,
      bundle: true,
      splitting: true, // one copy of drizzle-orm's modules shared by its four entries
      format: 'esm',
      platform: 'node',
      target: 'node22',
      outdir: path.join(work, 'out'),
      outExtension: { '.js': '.mjs' },
      // The SQLite client loads its native binding from node_modules: it stays there.
      external: ['@libsql/client', '@libsql/client/*'],
      // A CommonJS module's require() of a Node module, inside an ES module.
      banner: { js: "import { createRequire as __drumbeatCreateRequire } from 'node:module'; const require = __drumbeatCreateRequire(import.meta.url);" },
      absWorkingDir: ROOT,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = new Set(Object.keys(result.metafile.inputs).filter((f) => f.startsWith('node_modules/') && !f.startsWith('node_modules/.cache/')));
    for (const f of [...inputs]) {
      const pkg = f.match(/^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//)?.[1];
      if (pkg) inputs.add(`${pkg}/package.json`);
    }
    renameSync(path.join(work, 'out'), out);
    const outputs = Object.keys(result.metafile.outputs).map((f) => path.basename(f));
    makeCurrent({ dir, outputs, inputs: [...inputs].sort().map((f) => [f, stamp(path.join(ROOT, f))]) });
    return pathToFileURL(out + path.sep).href;
  } catch (err) {
    // esbuild refused these packages: remembered until one of them changes, not paid at every start.
    if (process.env.DRUMBEAT_CLI_BUNDLE_DEBUG) console.error('drumbeat: could not bundle the packages:', err);
    rmSync(out, { recursive: true, force: true });
    try {
      makeCurrent({ failed: packageStamps() });
    } catch {
      // not even that can be written: the next start tries again
    }
    return null;
  } finally {
    building = false;
    rmSync(work, { recursive: true, force: true });
    rmSync(lock, { recursive: true, force: true });
  }
}

let building = false;
let bundle; // the folder URL, null when not used in this process; decided at the first import

/** Called by the bin before any command loads: our imports of BUNDLED go to the bundle from then on. */
export function registerBundleHooks() {
  if (typeof module.registerHooks !== 'function' || process.env.DRUMBEAT_CLI_BUNDLE === 'off') return;
  const wanted = new Set(BUNDLED);
  module.registerHooks({
    resolve(specifier, context, nextResolve) {
      const parent = context.parentURL;
      if (parent && wanted.has(specifier) && !building && OURS.some((dir) => parent.startsWith(dir))) {
        if (bundle === undefined) {
          const found = currentBundle();
          bundle = found === undefined ? build() : found;
        }
        if (bundle) return { url: `${bundle}${fileName(specifier)}`, format: 'module', shortCircuit: true };
      } else if (bundle && parent?.startsWith(bundle)) {
        // Its own chunks; what it left outside (the SQLite client, Node's modules) as from the project.
        if (specifier.startsWith('./')) return { url: new URL(specifier, parent).href, format: 'module', shortCircuit: true };
        return nextResolve(specifier, { ...context, parentURL: PROJECT });
      }
      return nextResolve(specifier, context);
    },
  });
}
