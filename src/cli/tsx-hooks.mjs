// Node 24 strips the types of our .ts files itself; JSX it does not compile. The React Email
// templates (emails/*.tsx) are compiled here, in the loading thread, with the esbuild that tsx
// brings (a dependency of tsx, so present wherever tsx is). esbuild is loaded by the first .tsx a
// command imports: `--help`, `access list` and every command that renders no email never pay for it
// (decision 031). The options are tsconfig.json's: the automatic runtime from react.
import module, { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

let esbuild;

function compile(url) {
  esbuild ??= createRequire(import.meta.resolve('tsx'))('esbuild');
  const file = fileURLToPath(url);
  const { code } = esbuild.transformSync(readFileSync(file, 'utf8'), {
    loader: 'tsx',
    format: 'esm',
    jsx: 'automatic',
    jsxImportSource: 'react',
    sourcefile: file,
    sourcemap: 'inline',
    target: 'node22',
  });
  // Stack traces through a template name its own lines, not the compiled ones.
  process.setSourceMapsEnabled(true);
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
