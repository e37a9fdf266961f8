import type { APIRoute } from 'astro';
import { pageLang } from '../app/page-lang.ts';
import { rssResponse } from '../lib/notes/feeds.server.ts';
import { loadCatalogPage } from '../lib/notes/pages.server.ts';

export const GET: APIRoute = async (context) => {
  const page = await loadCatalogPage();
  context.cache.set(page.cache);
  return rssResponse(pageLang(context), page.catalog, page.at);
};
