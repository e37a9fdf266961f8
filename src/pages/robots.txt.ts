import type { APIRoute } from 'astro';
import { robotsResponse } from '../lib/notes/feeds.server.ts';

export const GET: APIRoute = () => robotsResponse();
