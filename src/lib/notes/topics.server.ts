import { getSite } from '../core/site.server.ts';
import type { Lang } from '../../i18n/lang.ts';
import { topicPath } from '../../i18n/paths.ts';
import type { NoteCatalog } from './catalog.ts';
import { loadCatalogPage } from './pages.server.ts';
import { topicCounterparts, topicSlug, topicsOf, type Topic } from './topics.ts';

// /topics/ and /topics/<slug>/: built from the Notes visible at the request's moment, cached
// like the archive until the next scheduled Note appears (docs/decisions/001, 025).

type Loaded = Awaited<ReturnType<typeof loadCatalogPage>>;

export async function loadTopicsIndex(lang: Lang): Promise<Loaded & { topics: Topic[] }> {
  const loaded = await loadCatalogPage();
  return { ...loaded, topics: topicsOf(loaded.catalog.visible(lang, loaded.at), lang) };
}

// One answer per catalog and moment: the sitemap asks it for every topic.
let memo: { catalog: NoteCatalog; at: number; counterparts: ReturnType<typeof topicCounterparts> } | undefined;

/** The same topic's page in the other languages (035): what its hreflang and the sitemap name. */
export function topicAlternates(catalog: NoteCatalog, at: number, lang: Lang, slug: string): { lang: Lang; path: string }[] {
  if (memo?.catalog !== catalog || memo.at !== at) {
    const languages = getSite().languages;
    memo = { catalog, at, counterparts: topicCounterparts(new Map(languages.map((l) => [l, catalog.visible(l, at)]))) };
  }
  return (memo.counterparts.get(`${lang}/${slug}`) ?? []).map((c) => ({ lang: c.lang as Lang, path: topicPath(c.lang as Lang, c.slug) }));
}

export type TopicPageResult =
  | (Loaded & { kind: 'topic'; topic: Topic; alternates: { lang: Lang; path: string }[] })
  | (Loaded & { kind: 'redirect'; location: string })
  | (Loaded & { kind: 'not-found' });

/** A topic with at least one visible Note; "/topics/Goals/" redirects to its slug. */
export async function loadTopicPage(lang: Lang, param: string | undefined): Promise<TopicPageResult> {
  const loaded = await loadTopicsIndex(lang);
  const slug = topicSlug(param ?? '');
  const topic = slug === undefined ? undefined : loaded.topics.find((t) => t.slug === slug);
  if (!topic) return { ...loaded, kind: 'not-found' };
  if (param !== topic.slug) return { ...loaded, kind: 'redirect', location: topicPath(lang, topic.slug) };
  return { ...loaded, kind: 'topic', topic, alternates: topicAlternates(loaded.catalog, loaded.at, lang, topic.slug) };
}
