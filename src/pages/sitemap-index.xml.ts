import type { APIRoute } from 'astro';
import { sitemapIndexResponse } from '../lib/notes/feeds.server.ts';

export const GET: APIRoute = () => sitemapIndexResponse();
