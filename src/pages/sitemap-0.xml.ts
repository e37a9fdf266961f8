import type { APIRoute } from 'astro';
import { sitemapResponse } from '../lib/notes/feeds.server.ts';
import { loadCatalogPage } from '../lib/notes/pages.server.ts';

export const GET: APIRoute = async ({ cache }) => {
  const page = await loadCatalogPage();
  cache.set(page.cache);
  return sitemapResponse(page.catalog, page.at);
};
