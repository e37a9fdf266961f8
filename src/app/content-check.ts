import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { lessonNumber, lessonProblem } from '../lib/catalog/lessons.ts';
import { loadProducts } from '../lib/catalog/products.server.ts';
import { authorPhotoProblem } from '../lib/core/author-photo.server.ts';
import { loadSiteConfig, type SiteConfig } from '../lib/core/site.ts';
import { formatProblems, productRefProblems, scanNotes, splitFrontmatter, type ContentProblem } from '../lib/notes/validate.ts';

/**
 * Every problem of the content folder an author can fix, one line each ("file: problem"): the
 * site settings, the Notes (all at once) and the first broken product file. Empty when the site
 * can be built. `npm start` and the Astro integration share it, so both say the same.
 */
export function contentProblems(contentDir: string): string[] {
  let site: SiteConfig;
  try {
    site = loadSiteConfig(contentDir);
  } catch (err) {
    return [(err as Error).message.split('\n')[0]!];
  }
  const lines: string[] = [];
  const photoProblem = authorPhotoProblem(contentDir, site);
  if (photoProblem) lines.push(photoProblem);
  const { notes, problems } = scanNotes(contentDir, site.languages, site.defaultLanguage);
  problems.push(...lessonProblems(contentDir));
  try {
    // An <Offer> is checked against the products only when they load: a broken product file has its own line.
    problems.push(...productRefProblems(notes, loadProducts(contentDir, site)));
  } catch (err) {
    if (problems.length > 0) lines.push(...formatProblems(problems).split('\n'));
    lines.push((err as Error).message);
    return lines;
  }
  if (problems.length > 0) lines.push(...formatProblems(problems).split('\n'));
  return lines;
}

/**
 * Course lessons (content/courses/<product>/<lang>/<NN>-<slug>.mdx): valid frontmatter, and one
 * `opens` per lesson number across languages, so a translation never opens on another day.
 */
export function lessonProblems(contentDir: string): ContentProblem[] {
  const root = path.join(contentDir, 'courses');
  if (!existsSync(root)) return [];
  const problems: ContentProblem[] = [];
  const rel = (f: string) => path.relative(process.cwd(), f) || f;
  for (const product of readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory())) {
    const opensBy = new Map<number, { opens: string; file: string }>();
    for (const lang of readdirSync(path.join(root, product.name), { withFileTypes: true }).filter((d) => d.isDirectory())) {
      const dir = path.join(root, product.name, lang.name);
      for (const name of readdirSync(dir).filter((n) => n.endsWith('.mdx')).sort()) {
        const file = path.join(dir, name);
        let data: unknown;
        try {
          data = splitFrontmatter(readFileSync(file, 'utf8'))?.data;
        } catch (err) {
          problems.push({ file: rel(file), message: `frontmatter is not valid YAML: ${(err as Error).message.split('\n')[0]}` });
          continue;
        }
        if (data === undefined) {
          problems.push({ file: rel(file), message: 'missing frontmatter (a --- block with title, summary, opens)' });
          continue;
        }
        const problem = lessonProblem(data);
        if (problem) {
          problems.push({ file: rel(file), message: problem });
          continue;
        }
        const opens = (data as { opens?: string }).opens?.trim() ?? '0d';
        const n = lessonNumber(name);
        const other = opensBy.get(n);
        if (other && other.opens !== opens) problems.push({ file: rel(file), message: `opens: ${opens}, but ${other.file} (the same lesson) opens ${other.opens}` });
        else opensBy.set(n, { opens, file: rel(file) });
      }
    }
  }
  return problems;
}

/**
 * The author's mistakes are the whole message: printed as they are and the process stopped, with
 * no framework banner or stack trace around them (Astro wraps any error a hook throws in both).
 */
export function stopOnContentProblems(lines: readonly string[]): void {
  if (lines.length === 0) return;
  process.stderr.write(`${lines.join('\n')}\n`);
  process.exit(1);
}

/** content/site.yaml for astro.config.mjs, which reads it before any hook: a mistake is one line too. */
export function siteConfigOrStop(contentDir: string): SiteConfig {
  try {
    return loadSiteConfig(contentDir);
  } catch (err) {
    stopOnContentProblems([(err as Error).message.split('\n')[0]!]);
    throw err;
  }
}
