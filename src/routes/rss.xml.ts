import type { APIRoute } from 'astro';
import { rssResponse } from '../lib/notes/feeds.server.ts';
import { langOfPath, loadCatalogPage } from '../lib/notes/pages.server.ts';

export const GET: APIRoute = async ({ url, cache }) => {
  const page = await loadCatalogPage();
  cache.set(page.cache);
  return rssResponse(langOfPath(url.pathname), page.catalog, page.at);
};
