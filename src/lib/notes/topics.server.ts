import type { Lang } from '../../i18n/lang.ts';
import { topicPath } from '../../i18n/paths.ts';
import { loadCatalogPage } from './pages.server.ts';
import { topicSlug, topicsOf, type Topic } from './topics.ts';

// /topics/ and /topics/<slug>/: built from the Notes visible at the request's moment, cached
// like the archive until the next scheduled Note appears (docs/decisions/001, 025).

type Loaded = Awaited<ReturnType<typeof loadCatalogPage>>;

export async function loadTopicsIndex(lang: Lang): Promise<Loaded & { topics: Topic[] }> {
  const loaded = await loadCatalogPage();
  return { ...loaded, topics: topicsOf(loaded.catalog.visible(lang, loaded.at), lang) };
}

export type TopicPageResult =
  | (Loaded & { kind: 'topic'; topic: Topic })
  | (Loaded & { kind: 'redirect'; location: string })
  | (Loaded & { kind: 'not-found' });

/** A topic with at least one visible Note; "/topics/Goals/" redirects to its slug. */
export async function loadTopicPage(lang: Lang, param: string | undefined): Promise<TopicPageResult> {
  const loaded = await loadTopicsIndex(lang);
  const slug = topicSlug(param ?? '');
  const topic = slug === undefined ? undefined : loaded.topics.find((t) => t.slug === slug);
  if (!topic) return { ...loaded, kind: 'not-found' };
  if (param !== topic.slug) return { ...loaded, kind: 'redirect', location: topicPath(lang, topic.slug) };
  return { ...loaded, kind: 'topic', topic };
}
