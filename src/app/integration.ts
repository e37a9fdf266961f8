import { cpSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { RUNTIME_FILE, writeBuildStamp } from '../server/build-stamp.ts';
import { compressSync, isCompressible } from '../server/respond.ts';
import { contentTypeOf, PRECOMPRESS_MIN_BYTES } from '../server/static-assets.ts';
import { authorPhoto } from '../lib/core/author-photo.server.ts';
import { loadSiteConfig } from '../lib/core/site.ts';
import { writeShareImages } from '../lib/notes/share-images.server.ts';
import { contentProblems, stopOnContentProblems } from './content-check.ts';

const ROUTES_DIR = fileURLToPath(new URL('../routes/', import.meta.url));
const MIGRATIONS = fileURLToPath(new URL('../lib/core/db/migrations/', import.meta.url));
const RUNTIME_ENTRY = fileURLToPath(new URL('../server/runtime.ts', import.meta.url));

/**
 * src/routes/ mirrors the localized URLs: routes/notes/[note].astro serves /notes/<n>/ in the
 * default language and /<lang>/notes/<n>/ in the others. Its files are found, not listed.
 */
export function localizedRouteFiles(dir = ROUTES_DIR): { pattern: string; file: string }[] {
  const found: { pattern: string; file: string }[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !/\.(astro|ts)$/.test(entry.name) || entry.name.endsWith('.test.ts')) continue;
    const file = path.join(entry.parentPath, entry.name);
    const route = path.relative(dir, file).split(path.sep).join('/').replace(/\.(astro|ts)$/, '').replace(/(^|\/)index$/, '');
    found.push({ pattern: `/${route}`, file });
  }
  return found.sort((a, b) => a.pattern.localeCompare(b.pattern));
}

/**
 * Writes <file>.br and <file>.gz beside each text file of dist/client, so the server serves
 * compressed assets without compressing anything at start or per request (docs/decisions/028).
 */
export function precompressClient(clientDir: string): number {
  let written = 0;
  for (const entry of readdirSync(clientDir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || /\.(br|gz)$/.test(entry.name)) continue;
    const file = path.join(entry.parentPath, entry.name);
    if (!isCompressible(contentTypeOf(file)) || statSync(file).size < PRECOMPRESS_MIN_BYTES) continue;
    const { br, gzip } = compressSync(readFileSync(file));
    writeFileSync(`${file}.br`, br);
    writeFileSync(`${file}.gz`, gzip);
    written++;
  }
  return written;
}

/**
 * Checks the content tree before Astro builds it (rules that span files: duplicate numbers,
 * orphan translations, NoteRefs to missing Notes, product files), mounts the localized routes
 * once per language of content/site.yaml, and adds the middleware.
 */
export function drumbeat({ contentDir }: { contentDir: string }): AstroIntegration {
  return {
    name: 'drumbeat',
    hooks: {
      'astro:build:done': async ({ dir, logger }) => {
        // dir is dist/client; the stamp sits beside client/ and server/.
        const outDir = fileURLToPath(new URL('..', dir));
        // The built server migrates the database itself, wherever it is started from.
        cpSync(MIGRATIONS, path.join(outDir, 'server', 'migrations'), { recursive: true });
        precompressClient(fileURLToPath(dir));
        const site = loadSiteConfig(contentDir);
        // The byline's photo, public under a name that changes with its bytes (034).
        const photo = authorPhoto(contentDir, site);
        if (photo) {
          const target = path.join(fileURLToPath(dir), photo.publicPath);
          mkdirSync(path.dirname(target), { recursive: true });
          writeFileSync(target, photo.bytes);
        }
        // Share images beside the server, not in client/: a scheduled Note's waits there (034).
        const report = await writeShareImages({
          contentDir,
          site,
          serverDir: path.join(outDir, 'server'),
          cacheDir: path.join(process.cwd(), 'node_modules', '.cache', 'drumbeat-share-images'),
        });
        logger.info(`share images: ${report.images} (${report.rendered} drawn, ${report.images - report.rendered} from earlier builds) in ${(report.ms / 1000).toFixed(1)} s${report.workers ? ` on ${report.workers} threads` : ''}`);
        writeBuildStamp(process.cwd(), outDir);
      },
      'astro:config:setup': ({ command, injectRoute, addMiddleware, updateConfig }) => {
        if (command === 'build' || command === 'dev') stopOnContentProblems(contentProblems(contentDir));
        const site = loadSiteConfig(contentDir);
        const routes = localizedRouteFiles();
        for (const lang of site.languages) {
          const prefix = lang === site.defaultLanguage ? '' : `/${lang}`;
          for (const { pattern, file } of routes) {
            injectRoute({ pattern: `${prefix}${pattern}` || '/', entrypoint: file });
          }
        }
        addMiddleware({ entrypoint: fileURLToPath(new URL('./middleware.ts', import.meta.url)), order: 'pre' });
        updateConfig({
          vite: {
            plugins: [
              {
                // A second entry of the server build, so its modules are the pages' modules.
                name: 'drumbeat-runtime-entry',
                applyToEnvironment: (environment) => environment.name === 'ssr',
                buildStart() {
                  if (command === 'build') this.emitFile({ type: 'chunk', id: RUNTIME_ENTRY, fileName: RUNTIME_FILE });
                },
              },
            ],
          },
        });
      },
    },
  };
}
