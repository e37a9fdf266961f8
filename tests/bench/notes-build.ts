// Build time for 1,000 Notes × 2 languages, ours against a bare Astro MDX site built in the same run.
//
// Our build renders no Note pages: they are rendered on request and kept in the route cache,
// because whether a Note is visible depends on the clock at request time. So "ours" is the build
// plus one render of every Note page through the built server, which is what a static build does.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateNotes } from './generate-notes.ts';
import { ASTRO_BIN, RESULTS_DIR, ROOT, runNode, seconds, tempDir, withServer, type BenchResult } from './lib.ts';

const NOTES = 1000;
const CONCURRENCY = 8;
const GOAL_RATIO = 1.3;
const ROUNDS = 2;

const log = (name: string) => path.join(RESULTS_DIR, `notes-build.${name}.log`);

async function renderAll(origin: string, paths: string[]): Promise<{ ms: number; failures: string[] }> {
  const failures: string[] = [];
  const queue = [...paths];
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    for (let p = queue.shift(); p !== undefined; p = queue.shift()) {
      const res = await fetch(origin + p, { redirect: 'manual' });
      await res.arrayBuffer();
      if (res.status !== 200) failures.push(`${res.status} ${p}`);
    }
  }));
  return { ms: performance.now() - started, failures };
}

/** A minimal Astro project in `dir` using our node_modules: MDX, static output, getStaticPaths. */
function writeBaseline(dir: string, notesDir: string, outDir: string): void {
  const files: Record<string, string> = {
    'package.json': JSON.stringify({ name: 'bench-baseline', private: true, type: 'module' }),
    'astro.config.mjs': `import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
export default defineConfig({
  output: 'static',
  outDir: ${JSON.stringify(outDir)},
  // Its own caches: node_modules is a link to ours and must not be written through.
  cacheDir: ${JSON.stringify(path.join(dir, '.cache'))},
  vite: {
    cacheDir: ${JSON.stringify(path.join(dir, '.vite'))},
    // Silenced as in our config, so neither build pays for printing 2,000 warnings.
    build: { rollupOptions: { onwarn(w, warn) { if (w.code !== 'MODULE_LEVEL_DIRECTIVE') warn(w); } } },
  },
  integrations: [mdx()],
});
`,
    'src/content.config.ts': `import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import { z } from 'astro/zod';
const notes = defineCollection({
  loader: glob({ pattern: '*/*.mdx', base: ${JSON.stringify(notesDir)} }),
  schema: z.object({ number: z.number(), title: z.string(), date: z.coerce.date(), summary: z.string(), tags: z.array(z.string()) }),
});
export const collections = { notes };
`,
    'src/components/NoteRef.astro': `---
const { n } = Astro.props;
---
<a href={\`/notes/\${n}/\`}>Note №{n}</a>
`,
    'src/layouts/Layout.astro': `---
const { title, lang } = Astro.props;
---
<!doctype html>
<html lang={lang}>
  <head><meta charset="utf-8" /><title>{title}</title></head>
  <body><main><slot /></main></body>
</html>
`,
    'src/pages/[lang]/[slug].astro': `---
import { getCollection, render } from 'astro:content';
import Layout from '../../layouts/Layout.astro';
import NoteRef from '../../components/NoteRef.astro';
export async function getStaticPaths() {
  const notes = await getCollection('notes');
  return notes.map((note) => {
    const [lang, slug] = note.id.split('/');
    return { params: { lang, slug }, props: { note } };
  });
}
const { note } = Astro.props;
const { Content } = await render(note);
---
<Layout title={note.data.title} lang={Astro.params.lang}>
  <h1>{note.data.title}</h1>
  <Content components={{ NoteRef }} />
</Layout>
`,
  };
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
}

interface OursTiming {
  buildMs: number;
  renderMs: number;
  totalMs: number;
}

async function buildOurs(contentDir: string, outDir: string, paths: string[], round: number): Promise<OursTiming> {
  const buildMs = await runNode([ASTRO_BIN, 'build', '--force'], {
    cwd: ROOT,
    env: { DRUMBEAT_CONTENT_DIR: contentDir, DRUMBEAT_OUT_DIR: outDir },
    log: log(`ours-${round}`),
  });
  const render = await withServer(outDir, log(`ours-server-${round}`), (server) => renderAll(server.origin, paths));
  if (render.failures.length > 0) {
    throw new Error(`${render.failures.length} Note pages did not answer 200, e.g. ${render.failures.slice(0, 3).join(', ')}`);
  }
  return { buildMs, renderMs: render.ms, totalMs: buildMs + render.ms };
}

export async function notesBuild(): Promise<BenchResult> {
  const tmp = tempDir('build');
  try {
    const content = generateNotes(path.join(tmp.dir, 'content'), NOTES);
    const pages = content.paths.length;
    // The built server imports packages from node_modules, found by walking up from its output dir.
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(tmp.dir, 'node_modules'), 'dir');
    const baselineDir = path.join(tmp.dir, 'baseline');
    writeBaseline(baselineDir, content.notesDir, path.join(tmp.dir, 'baseline-dist'));

    // The machine is small and may be shared, so each side is built twice, in alternating order,
    // and its best round counts. --force makes every build start without a content-layer cache.
    const ours: OursTiming[] = [];
    const baseline: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const runOurs = async () => ours.push(await buildOurs(content.contentDir, path.join(tmp.dir, `ours-dist-${round}`), content.paths, round));
      const runBaseline = async () => baseline.push(await runNode([ASTRO_BIN, 'build', '--force'], { cwd: baselineDir, log: log(`baseline-${round}`) }));
      for (const step of round % 2 === 1 ? [runOurs, runBaseline] : [runBaseline, runOurs]) await step();
    }
    const best = ours.reduce((a, b) => (b.totalMs < a.totalMs ? b : a));
    const baselineMs = Math.min(...baseline);

    const ratio = best.totalMs / baselineMs;
    const perSecond = (ms: number) => Math.round((pages / (ms / 1000)) * 10) / 10;
    return {
      name: 'notes-build',
      figures: [
        { label: 'ours: build only', value: seconds(best.buildMs), unit: 's' },
        { label: 'ours: first render of every Note', value: seconds(best.renderMs), unit: 's' },
        { label: 'ours: build + first render', value: seconds(best.totalMs), unit: 's' },
        { label: 'ours: pages/s (build + first render)', value: perSecond(best.totalMs), unit: 'pages/s' },
        { label: 'baseline: static build', value: seconds(baselineMs), unit: 's' },
        { label: 'baseline: pages/s', value: perSecond(baselineMs), unit: 'pages/s' },
        { label: 'ratio ours/baseline', value: Math.round(ratio * 100) / 100, goal: `<= ${GOAL_RATIO}`, pass: ratio <= GOAL_RATIO },
      ],
      details: {
        notes: NOTES,
        languages: ['en', 'it'],
        pages,
        averageWords: content.averageWords,
        renderConcurrency: CONCURRENCY,
        oursBuildOnlyPagesPerSecond: perSecond(best.buildMs),
        rounds: {
          ours: ours.map((o) => ({ buildMs: Math.round(o.buildMs), renderMs: Math.round(o.renderMs) })),
          baselineMs: baseline.map(Math.round),
        },
      },
    };
  } finally {
    tmp.remove();
    // Our builds wrote the generated collection into .astro/ and node_modules/.astro/, which the
    // normal build and `astro dev` share; sync puts the real content back.
    await runNode([ASTRO_BIN, 'sync', '--force'], { cwd: ROOT, log: log('resync') }).catch((err) => console.warn(`astro sync failed: ${err.message}`));
  }
}
