import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { writeBuildStamp } from '../../server/build-stamp.ts';
import { loadSiteConfig } from '../site.ts';
import { loadProducts } from '../payments/products.server.ts';
import { formatProblems, scanNotes } from './validate.ts';

const SITE_MODULE = 'virtual:drumbeat/site';

const LOCALIZED_ROUTES: [string, string][] = [
  ['/', 'home.astro'],
  ['/notes', 'archive.astro'],
  ['/notes/page/[page]', 'archive.astro'],
  ['/notes/[note]', 'note.astro'],
  ['/rss.xml', 'rss.xml.ts'],
  ['/privacy', 'privacy.astro'],
  ['/subscribe/thanks', 'subscribe-thanks.astro'],
  ['/workshops/[product]', 'sales.astro'],
  ['/certification/[product]', 'sales.astro'],
  ['/checkout/success', 'checkout-success.astro'],
  ['/login', 'login.astro'],
  ['/login/verify', 'login-verify.astro'],
  ['/library', 'library.astro'],
  ['/library/[product]', 'library-item.astro'],
  ['/library/[product]/[lesson]', 'lesson.astro'],
];

/**
 * Checks the content tree before Astro builds it (rules that span files: duplicate numbers,
 * orphan translations, NoteRefs to missing Notes) and hands site.yaml to the server as a module.
 */
export function drumbeatContent({ contentDir }: { contentDir: string }): AstroIntegration {
  return {
    name: 'drumbeat-content',
    hooks: {
      'astro:build:done': ({ dir }) => {
        // dir is dist/client; the stamp sits beside client/ and server/.
        writeBuildStamp(process.cwd(), fileURLToPath(new URL('..', dir)));
      },
      'astro:config:setup': ({ updateConfig, command, injectRoute }) => {
        const site = loadSiteConfig(contentDir);
        if (command === 'build' || command === 'dev') {
          const { problems } = scanNotes(contentDir, site.languages, site.defaultLanguage);
          if (problems.length > 0) {
            throw new Error(`Content problems:\n${formatProblems(problems)}`);
          }
          // Throws naming the file and field.
          loadProducts(contentDir, site);
        }
        // One route file per page, mounted once per language: /notes/… in the default language,
        // /<lang>/notes/… for the others.
        for (const lang of site.languages) {
          const prefix = lang === site.defaultLanguage ? '' : `/${lang}`;
          for (const [pattern, file] of LOCALIZED_ROUTES) {
            injectRoute({ pattern: pattern === '/' ? prefix || '/' : `${prefix}${pattern}`, entrypoint: new URL(`../../routes/${file}`, import.meta.url) });
          }
        }
        updateConfig({
          vite: {
            plugins: [
              {
                name: 'drumbeat-site-config',
                resolveId: (id) => (id === SITE_MODULE ? `\0${SITE_MODULE}` : undefined),
                load: (id) => (id === `\0${SITE_MODULE}` ? `export default ${JSON.stringify(site)};` : undefined),
              },
            ],
          },
        });
      },
    },
  };
}
