import { getSite } from '../lib/core/site.server.ts';
import type { Lang } from './lang.ts';

// Every localized URL is built here: the site's default language without a prefix, every other
// language under /<lang>/ (the same rule src/app/integration.ts mounts src/routes/ by).

function langPrefix(lang: Lang): string {
  return lang === getSite().defaultLanguage ? '' : `/${lang}`;
}

/** "/login/" in a language: "/login/" or "/it/login/". */
export function localizedPath(lang: Lang, path: string): string {
  return `${langPrefix(lang)}${path}` || '/';
}

export function homePath(lang: Lang): string {
  return localizedPath(lang, '/');
}

export function archivePath(lang: Lang, page = 1): string {
  return localizedPath(lang, page <= 1 ? '/notes/' : `/notes/page/${page}/`);
}

export function notePath(note: { lang: Lang; number: number; slug: string }): string {
  return localizedPath(note.lang, `/notes/${note.number}-${note.slug}/`);
}

export function rssPath(lang: Lang): string {
  return localizedPath(lang, '/rss.xml');
}

export function privacyPath(lang: Lang): string {
  return localizedPath(lang, '/privacy/');
}

/** The shop: every workshop and certification, /workshops/ (the sales pages sit under it). */
export function shopPath(lang: Lang): string {
  return localizedPath(lang, '/workshops/');
}

export function topicsPath(lang: Lang): string {
  return localizedPath(lang, '/topics/');
}

/** /topics/<slug>/: the slug from topicSlug() (src/lib/notes/topics.ts), never the raw tag. */
export function topicPath(lang: Lang, slug: string): string {
  return localizedPath(lang, `/topics/${slug}/`);
}

/** The author's page: who writes the Notes. */
export function aboutPath(lang: Lang): string {
  return localizedPath(lang, '/about/');
}

export function loginPath(lang: Lang): string {
  return localizedPath(lang, '/login/');
}

/** The public directory of qualified coaches. */
export function directoryPath(lang: Lang): string {
  return localizedPath(lang, '/certification/coaches/');
}

/** A certificate's page: the id is its only key (docs/decisions/032). */
export function certificatePath(lang: Lang, id: string): string {
  return localizedPath(lang, `/certificates/${id}/`);
}

export function absoluteUrl(siteUrl: string, path: string): string {
  return new URL(path, `${siteUrl}/`).toString();
}
