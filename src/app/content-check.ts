import { loadProducts } from '../lib/catalog/products.server.ts';
import { authorPhotoProblem } from '../lib/core/author-photo.server.ts';
import { loadSiteConfig, type SiteConfig } from '../lib/core/site.ts';
import { formatProblems, productRefProblems, scanNotes } from '../lib/notes/validate.ts';

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
