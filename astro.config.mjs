// @ts-check
import path from 'node:path';
import { defineConfig } from 'astro/config';
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
  // No Note has code; Shiki would colour code blocks with style attributes, which Astro warns
  // about on every build once the CSP is on (015). Code blocks render as plain <pre><code>.
  markdown: { syntaxHighlight: false },
  security: {
    // Replaced by our own origin check in src/app/middleware.ts (docs/decisions/004): Astro's refuses
    // POSTs without an Origin header, which RFC 8058 one-click unsubscribes from mail providers are.
    checkOrigin: false,
    // Astro writes each page's Content-Security-Policy header with the hash of every script the
    // build inlined, so script-src needs no 'unsafe-inline' (an injected <script> does not run).
    // The middleware adds form-action, which depends on STRIPE_API_BASE at run time (015).
    csp: {
      directives: ["default-src 'self'", "img-src 'self' data:", "media-src 'self'", "object-src 'none'", "frame-ancestors 'none'", "base-uri 'self'"],
      // Inline styles stay allowed: style attributes in Notes, and CSS cannot run script.
      styleDirective: { resources: ["'self'", "'unsafe-inline'"] },
    },
  },
  // Only the top-level folders the project agreed on; static files live with the sources.
  publicDir: './src/public',
  // Rendered pages are kept in memory until the next scheduled Note changes what readers see
  // (docs/decisions/001), keyed by path alone and bounded by bytes (src/app/page-cache.ts, 015).
  cache: { provider: { name: 'drumbeat-pages', entrypoint: './src/app/page-cache.ts', config: { maxBytes: 64 * 1024 * 1024 } } },
  // Stylesheets are files (/_astro/<hash>.css, immutable, precompressed, served from memory by the
  // front), not copied into every page: a weekly reader fetches them once (docs/decisions/036).
  build: { inlineStylesheets: 'never' },
  server: { port: Number(process.env.PORT ?? 4321), host: process.env.HOST ?? 'localhost' },
  devToolbar: { enabled: false },
  vite: {
    build: {
      // Scripts are files too (/_astro/<hash>.js, immutable), never inlined: an inlined script's
      // hash goes into the Content-Security-Policy of every page, which had grown to 1 KB of hashes
      // sent and checked on every request (docs/decisions/040). Other assets keep Vite's limit.
      assetsInlineLimit: (file) => (/\.m?js$/.test(file) ? false : undefined),
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
