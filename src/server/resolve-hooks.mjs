// Node resolves each ESM file's format by reading the nearest package.json. drizzle-orm's is 179 KB
// (its exports map), and Node reads it again for every one of drizzle's ~300 internal imports: about
// 1.4 s and 150 MB of garbage per process start. Its relative .js imports are ES modules (the
// package says "type": "module"), so they are resolved here directly. See docs/decisions/007.
import module from 'node:module';

const DRIZZLE = '/node_modules/drizzle-orm/';

if (typeof module.registerHooks === 'function') {
  module.registerHooks({
    resolve(specifier, context, nextResolve) {
      if (context.parentURL?.includes(DRIZZLE) && specifier.endsWith('.js') && (specifier.startsWith('./') || specifier.startsWith('../'))) {
        return { url: new URL(specifier, context.parentURL).href, format: 'module', shortCircuit: true };
      }
      return nextResolve(specifier, context);
    },
  });
}
