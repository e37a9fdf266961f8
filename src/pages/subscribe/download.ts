import type { APIRoute } from 'astro';
import { leadMagnetResponse } from '../../lib/newsletter/lead-magnet.server.ts';

// The free download promised at sign-up (content/site.yaml newsletter.leadMagnet), for confirmed
// subscribers only, by the signed link in their welcome email.
export const GET: APIRoute = ({ url }) => leadMagnetResponse(url.searchParams.get('token'));
