import { getCollection } from 'astro:content';
import { nowMs } from '../core/clock.ts';
import type { Lang } from '../../i18n/lang.ts';
import { getCatalog } from './catalog.server.ts';
import { NoteSearchIndex, type SearchResults } from './search.ts';
import { parseQuery, MAX_QUERY_CHARS } from './search-text.ts';

let index: Promise<NoteSearchIndex> | undefined;

async function build(): Promise<NoteSearchIndex> {
  const [catalog, entries] = await Promise.all([getCatalog(), getCollection('notes')]);
  const bodies = new Map(entries.map((e) => [e.id, e.body ?? '']));
  return new NoteSearchIndex(catalog.all().map((meta) => ({ meta, body: bodies.get(meta.id) ?? '' })));
}

/** The build's Notes, indexed once per process, on the first search (the catalog's rule: 001). */
export function getSearchIndex(): Promise<NoteSearchIndex> {
  if (import.meta.env.DEV) return build();
  // A failed first build is not kept: the next search tries again.
  return (index ??= build().catch((err: unknown) => {
    index = undefined;
    throw err;
  }));
}

/**
 * Indexes the Notes and catches up to now before the first search asks: called by `npm start` once
 * it listens, so the first reader's search does not pay the 3–4 s of 10,000 Notes (026). The
 * index yields between slices, so requests answered meanwhile are not held up; a search arriving
 * before it is done waits for the same promise instead of building a second index.
 */
export async function warmSearchIndex(): Promise<number> {
  const started = performance.now();
  const searchIndex = await getSearchIndex();
  await searchIndex.prepare(nowMs());
  return performance.now() - started;
}

/**
 * Not kept by shared caches, asked again by browsers. "Until the next Note's moment" would be
 * correct too, but the header would count down to a scheduled Note no page may reveal yet.
 */
export const SEARCH_CACHE_CONTROL = 'private, no-cache';

/** Results per page in the reader's language; the other languages' best few come on page 1. */
export const SEARCH_PAGE_SIZE = 10;
const OTHERS_SHOWN = 5;

export type SearchPage =
  | { kind: 'form'; query: string; status: 200 }
  | { kind: 'too-long'; query: string; status: 400; max: number }
  | ({ kind: 'results'; query: string; status: 200; page: number; pages: number } & SearchResults);

/** ?page=N: a number from 1; anything else is page 1, past the end the last page. */
function pageParam(raw: string | null): number {
  return raw !== null && /^\d{1,5}$/.test(raw) ? Math.max(1, Number(raw)) : 1;
}

/** /search/?q=…: the form alone, the results, or a refusal of a query too long to be a search. */
export async function loadSearchPage(lang: Lang, url: URL): Promise<{ page: SearchPage; cacheControl: string }> {
  const cacheControl = SEARCH_CACHE_CONTROL;
  const query = url.searchParams.get('q') ?? '';
  const searchIndex = await getSearchIndex();
  const at = nowMs();
  const parsed = parseQuery(query);
  await searchIndex.prepare(at);
  if (parsed.kind === 'too-long') return { page: { kind: 'too-long', query: query.slice(0, MAX_QUERY_CHARS), status: 400, max: MAX_QUERY_CHARS }, cacheControl };
  if (parsed.kind === 'empty') return { page: { kind: 'form', query: query.trim(), status: 200 }, cacheControl };
  const wanted = pageParam(url.searchParams.get('page'));
  const first = searchIndex.search(parsed.terms, lang, at, { offset: (wanted - 1) * SEARCH_PAGE_SIZE, hits: SEARCH_PAGE_SIZE, others: wanted === 1 ? OTHERS_SHOWN : 0 });
  const pages = Math.max(1, Math.ceil(first.total / SEARCH_PAGE_SIZE));
  const page = Math.min(wanted, pages);
  const results = page === wanted ? first : searchIndex.search(parsed.terms, lang, at, { offset: (page - 1) * SEARCH_PAGE_SIZE, hits: SEARCH_PAGE_SIZE, others: page === 1 ? OTHERS_SHOWN : 0 });
  return { page: { kind: 'results', query: query.trim(), status: 200, page, pages, ...results }, cacheControl };
}
