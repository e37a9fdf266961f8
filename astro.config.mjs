// @ts-check
import path from 'node:path';
import { defineConfig, memoryCache } from 'astro/config';
import mdx from '@astrojs/mdx';
import node from '@astrojs/node';
import { siteConfigOrStop } from './src/app/content-check.ts';
import { drumbeat } from './src/app/integration.ts';

// The benchmarks build generated content elsewhere; everyone else uses ./content and ./dist.
const contentDir = path.resolve(process.env.DRUMBEAT_CONTENT_DIR ?? 'content');
const outDir = process.env.DRUMBEAT_OUT_DIR ? path.resolve(process.env.DRUMBEAT_OUT_DIR) : undefined;
// The languages come from the author's content/site.yaml, like the routes mounted for them.
const site = siteConfigOrStop(contentDir);

export default defineConfig({
  site: process.env.SITE_URL ?? 'http://localhost:4321',
  output: 'server',
  ...(outDir ? { outDir } : {}),
  adapter: node({ mode: 'standalone' }),
  integrations: [drumbeat({ contentDir }), mdx()],
  i18n: {
    locales: [...site.languages],
    defaultLocale: site.defaultLanguage,
    routing: { prefixDefaultLocale: false },
  },
  trailingSlash: 'ignore',
  // Replaced by our own origin check in src/middleware.ts (docs/decisions/004): Astro's refuses
  // POSTs without an Origin header, which RFC 8058 one-click unsubscribes from mail providers are.
  security: { checkOrigin: false },
  // Only the top-level folders the project agreed on; static files live with the sources.
  publicDir: './src/public',
  // Rendered pages are kept in memory until the next scheduled Note changes what readers see
  // (see docs/decisions/001-rendering-and-caching.md).
  cache: { provider: memoryCache({ max: 5000, query: { exclude: [] } }) },
  build: { inlineStylesheets: 'always' },
  server: { port: Number(process.env.PORT ?? 4321), host: process.env.HOST ?? 'localhost' },
  devToolbar: { enabled: false },
  vite: {
    build: {
      rollupOptions: {
        // MDX's compiled modules carry Astro's "use astro:head-inject" directive, which the bundler
        // warns about once per Note (harmless, known); thousands of Notes would bury real warnings.
        onwarn(warning, warn) {
          if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
          warn(warning);
        },
      },
    },
  },
});
