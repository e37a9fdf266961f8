import { nowMs } from '../core/clock.ts';
import { getSite } from '../core/site.server.ts';
import type { Lang } from '../../i18n/lang.ts';
import { archivePath, notePath } from '../../i18n/paths.ts';
import { getCatalog } from './catalog.server.ts';
import { NOTES_PER_PAGE, parseNoteParam, type NoteCatalog, type NoteMeta } from './catalog.ts';

/** Route cache options for any page built from the catalog: valid until the next Note appears. */
export function catalogCacheOptions(catalog: NoteCatalog, at: number) {
  return { maxAge: catalog.cacheSeconds(at), tags: ['notes'] };
}

interface Loaded {
  catalog: NoteCatalog;
  at: number;
  cache: { maxAge: number; tags: string[] };
}

export async function loadCatalogPage(): Promise<Loaded> {
  const catalog = await getCatalog();
  const at = nowMs();
  return { catalog, at, cache: catalogCacheOptions(catalog, at) };
}

export type NotePageResult =
  | (Loaded & { kind: 'note'; note: NoteMeta })
  | (Loaded & { kind: 'redirect'; location: string })
  | (Loaded & { kind: 'not-found' });

/** /notes/205-three-steps/ shows the Note; /notes/205/ and a stale slug redirect; unpublished is 404. */
export async function loadNotePage(lang: Lang, param: string | undefined): Promise<NotePageResult> {
  const loaded = await loadCatalogPage();
  const parsed = parseNoteParam(param);
  const note = parsed && loaded.catalog.find(lang, parsed.number, loaded.at);
  if (!parsed || !note) return { ...loaded, kind: 'not-found' };
  if (parsed.slug !== note.slug) return { ...loaded, kind: 'redirect', location: notePath(note) };
  return { ...loaded, kind: 'note', note };
}

export type ArchivePageResult =
  | (Loaded & { kind: 'archive'; notes: NoteMeta[]; page: number; pages: number; alternates: { lang: Lang; path: string }[] })
  | (Loaded & { kind: 'redirect'; location: string })
  | (Loaded & { kind: 'not-found' });

/**
 * The same archive page in the other languages, for hreflang: page N of a language that has N
 * pages, else none (pointing page 2 at another language's page 1 would not point back).
 */
export function archiveAlternates(catalog: NoteCatalog, languages: readonly Lang[], lang: Lang, page: number, at: number): { lang: Lang; path: string }[] {
  return catalog.languagesWithArchivePage(languages, page, at).filter((l) => l !== lang).map((l) => ({ lang: l, path: archivePath(l, page) }));
}

export async function loadArchivePage(lang: Lang, pageParam: string | undefined): Promise<ArchivePageResult> {
  const loaded = await loadCatalogPage();
  const all = loaded.catalog.visible(lang, loaded.at);
  const pages = loaded.catalog.archivePages(lang, loaded.at);
  if (pageParam === undefined) {
    return { ...loaded, kind: 'archive', notes: all.slice(0, NOTES_PER_PAGE), page: 1, pages, alternates: archiveAlternates(loaded.catalog, getSite().languages, lang, 1, loaded.at) };
  }
  if (!/^\d{1,5}$/.test(pageParam)) return { ...loaded, kind: 'not-found' };
  const page = Number(pageParam);
  if (page === 1) return { ...loaded, kind: 'redirect', location: archivePath(lang) };
  if (page < 1 || page > pages) return { ...loaded, kind: 'not-found' };
  const alternates = archiveAlternates(loaded.catalog, getSite().languages, lang, page, loaded.at);
  return { ...loaded, kind: 'archive', notes: all.slice((page - 1) * NOTES_PER_PAGE, page * NOTES_PER_PAGE), page, pages, alternates };
}
