import { getCollection, getEntry } from 'astro:content';
import { getSite } from '../core/site.server.ts';
import { isLang } from '../../i18n/lang.ts';
import { NoteCatalog, type NoteMeta } from './catalog.ts';
import { publishInstant } from './publish.ts';
import { readingSeconds } from './reading-time.ts';
import { citedNumbers } from './validate.ts';

let catalog: Promise<NoteCatalog> | undefined;

async function load(): Promise<NoteCatalog> {
  const site = getSite();
  const entries = await getCollection('notes');
  const notes: NoteMeta[] = entries.flatMap((entry) => {
    const [lang, file = ''] = entry.id.split('/');
    // The build refused Notes outside the site's language folders (validate.ts).
    if (!isLang(lang, site.languages)) return [];
    const slug = file.replace(/^\d+-/, '');
    return [{
      id: entry.id,
      lang,
      number: entry.data.number,
      slug,
      title: entry.data.title,
      summary: entry.data.summary,
      tags: entry.data.tags,
      cites: citedNumbers(entry.body ?? ''),
      draft: entry.data.draft,
      date: entry.data.date,
      publishAt: publishInstant(entry.data.date, site.timeZone),
      readingSeconds: readingSeconds(entry.body ?? ''),
      file: entry.filePath ?? entry.id,
    }];
  });
  return new NoteCatalog(notes);
}

/** The build's Notes, read once per process (content changes need a rebuild anyway). */
export function getCatalog(): Promise<NoteCatalog> {
  if (import.meta.env.DEV) return load();
  return (catalog ??= load());
}

export async function getNoteEntry(id: string) {
  return getEntry('notes', id);
}
