// Node 24 strips the types of our .ts files itself; JSX it does not compile. The React Email
// templates (emails/*.tsx) are compiled here, in the loading thread, with the esbuild that tsx
// brings (a dependency of tsx, so present wherever tsx is). esbuild is loaded by the first .tsx a
// command imports: `--help`, `access list` and every command that renders no email never pay for it
// (decision 031). The options are tsconfig.json's: the automatic runtime from react.
import module, { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let esbuild;

// Compiled templates are kept by the hash of what went in (source, path, options, esbuild's
// version): loading esbuild and compiling was ~0.4 s of every render process's start
// (docs/decisions/041). A cache that cannot be written only costs the compile it would save.
const CACHE_DIR = fileURLToPath(new URL('../../node_modules/.cache/drumbeat-tsx', import.meta.url));
let esbuildVersion;
const versionOfEsbuild = () => (esbuildVersion ??= JSON.parse(readFileSync(createRequire(import.meta.resolve('tsx')).resolve('esbuild/package.json'), 'utf8')).version);

function compile(url) {
  const file = fileURLToPath(url);
  const source = readFileSync(file, 'utf8');
  const options = { loader: 'tsx', format: 'esm', jsx: 'automatic', jsxImportSource: 'react', sourcefile: file, sourcemap: 'inline', target: 'node22' };
  // Stack traces through a template name its own lines, not the compiled ones.
  process.setSourceMapsEnabled(true);
  const key = createHash('sha256').update(JSON.stringify([versionOfEsbuild(), options, source])).digest('hex').slice(0, 32);
  const cached = path.join(CACHE_DIR, `${key}.mjs`);
  try {
    return readFileSync(cached, 'utf8');
  } catch {
    // not compiled yet
  }
  esbuild ??= createRequire(import.meta.resolve('tsx'))('esbuild');
  const { code } = esbuild.transformSync(source, options);
  try {
    mkdirSync(CACHE_DIR, { recursive: true });
    // Whole or not at all: another process may read it at the same moment.
    const partial = `${cached}.${process.pid}.tmp`;
    writeFileSync(partial, code);
    renameSync(partial, cached);
  } catch {
    // read-only node_modules: compiled again next time
  }
  return code;
}

if (typeof module.registerHooks !== 'function') {
  // Node 22.12–22.14 (engines allows them) have no in-thread hooks: tsx compiles everything there.
  const { register } = await import('tsx/esm/api');
  register({ tsconfig: fileURLToPath(new URL('../../tsconfig.json', import.meta.url)) });
} else module.registerHooks({
  load(url, context, nextLoad) {
    if (!url.startsWith('file:') || !url.endsWith('.tsx')) return nextLoad(url, context);
    return { format: 'module', source: compile(url), shortCircuit: true };
  },
});
