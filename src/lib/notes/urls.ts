import type { NoteMeta } from './catalog.ts';

// English is the default language, without prefix; every other language lives under /<lang>/.
export function langPrefix(lang: string, defaultLanguage = 'en'): string {
  return lang === defaultLanguage ? '' : `/${lang}`;
}

export function homePath(lang: string): string {
  return `${langPrefix(lang)}/`;
}

export function archivePath(lang: string, page = 1): string {
  return page <= 1 ? `${langPrefix(lang)}/notes/` : `${langPrefix(lang)}/notes/page/${page}/`;
}

export function notePath(note: Pick<NoteMeta, 'lang' | 'number' | 'slug'>): string {
  return `${langPrefix(note.lang)}/notes/${note.number}-${note.slug}/`;
}

export function rssPath(lang: string): string {
  return `${langPrefix(lang)}/rss.xml`;
}

export function privacyPath(lang: string): string {
  return `${langPrefix(lang)}/privacy/`;
}

export function absoluteUrl(siteUrl: string, path: string): string {
  return new URL(path, `${siteUrl}/`).toString();
}

/** "205-three-steps" or "205" -> the number and (maybe) the slug asked for. */
export function parseNoteParam(param: string | undefined): { number: number; slug?: string } | undefined {
  const m = /^(\d{1,6})(?:-([a-z0-9-]+))?$/.exec(param ?? '');
  return m ? { number: Number(m[1]), slug: m[2] } : undefined;
}

export const NOTES_PER_PAGE = 10;
