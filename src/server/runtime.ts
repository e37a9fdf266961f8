// What `npm start` runs from inside the built server. The build emits this file as
// dist/server/runtime.mjs beside entry.mjs, sharing its chunks, so the scheduler, the migration
// and the pages are one module graph: one clock, one database client, one env, one set of caches.
export { prepareDatabase } from '../lib/core/db/migrate.server.ts';
export { startScheduler } from '../jobs/scheduler.server.ts';
export { closeDb } from '../lib/core/db/client.server.ts';
export { announcePresence } from '../lib/core/db/presence.server.ts';
export { log } from '../lib/core/log.server.ts';
export { requestIdFrom } from '../lib/core/log.server.ts';
export { servePage } from '../app/page-front.ts';
export { warmSearchIndex } from '../lib/notes/search.server.ts';
// The front (src/server/media-front.ts) answers media requests before Astro, with these.
export { answerMedia } from '../lib/access/media.server.ts';
export { sessionCookieValue } from '../lib/auth/session-cookie.ts';
export { getEnv } from '../lib/core/env.server.ts';
export { endpointSecurityHeaders, serverHeaders } from '../app/security-headers.ts';
