import { getSite, contentDir } from '../core/site.server.ts';
import { isLang } from '../../i18n/lang.ts';
import { NoteCatalog, type NoteMeta } from './catalog.ts';
import { publishInstant } from './publish.ts';
import { readingSeconds } from './reading-time.ts';
import { scanNotes } from './validate.ts';

export interface DiskNotes {
  catalog: NoteCatalog;
  body(note: NoteMeta): string;
}

/**
 * The Notes as the content folder has them, for code outside Astro's pages (newsletter, CLI).
 * Same catalog class, so the same visibility rule as the site.
 */
export function loadNotesFromDisk(): DiskNotes {
  const site = getSite();
  const { notes, problems } = scanNotes(contentDir(), site.languages, site.defaultLanguage);
  if (problems.length > 0) throw new Error(`content problems: ${problems[0]!.file}: ${problems[0]!.message}`);
  const bodies = new Map<string, string>();
  const metas: NoteMeta[] = notes.flatMap((n) => {
    if (!isLang(n.lang, site.languages)) return [];
    const id = `${n.lang}/${n.frontmatter.number}-${n.slug}`;
    bodies.set(id, n.body);
    return {
      id,
      lang: n.lang,
      number: n.frontmatter.number,
      slug: n.slug,
      title: n.frontmatter.title,
      summary: n.frontmatter.summary,
      tags: n.frontmatter.tags,
      draft: n.frontmatter.draft,
      date: n.frontmatter.date,
      publishAt: publishInstant(n.frontmatter.date, site.timeZone),
      readingSeconds: readingSeconds(n.body),
      file: n.file,
    };
  });
  return { catalog: new NoteCatalog(metas), body: (note) => bodies.get(note.id) ?? '' };
}
