import type { IncomingMessage, ServerResponse } from 'node:http';
import { libraryVariant } from '../lib/access/library.server.ts';
import { seatsVariant } from '../lib/access/offers.server.ts';
import { nowMs } from '../lib/core/clock.ts';
import { sessionCookieValue } from '../lib/auth/session-cookie.ts';
import type { Lang } from '../i18n/lang.ts';
import type { FrontContext } from '../server/front.ts';
import { sendRepresentation } from '../server/respond.ts';
import { pageCacheKey, sharedPageStore, variantKey } from './page-cache.ts';

// The page cache, answered by the serving front (src/server/front.ts) without Astro's pipeline.
// The cache decides what is served: a path is answered only when Astro stored its page (or, for
// a gated page, the variant this session's access picks). Everything else is Astro's.

/**
 * A request path the front may look up as sent: anything the URL parser would rewrite (dot
 * segments, backslashes, controls) goes to Astro, so the front never answers for a path Astro
 * would read as another.
 */
function plainPath(pathname: string): boolean {
  return !/[\\\s]|\/\.|%2e/i.test(pathname);
}

/** Serves a stored page; false when there is none for this request (Astro renders it). */
export function servePage(req: IncomingMessage, res: ServerResponse, context: FrontContext): boolean | Promise<boolean> {
  const store = sharedPageStore();
  if (!store || !plainPath(context.pathname)) return false;
  const cookie = req.headers.cookie;
  const key = pageCacheKey({ pathname: context.pathname }, cookie);
  if (key === undefined) return false;
  const now = Date.now();
  const entry = store.get(key, now);
  if (!entry) return false;
  if (entry.rep) {
    sendRepresentation(req, res, entry.rep, context.requestId);
    return true;
  }
  const gate = entry.gate;
  if (!gate) return false;
  // Decided on every request, with the query the page itself asks: the session's access (one
  // query), or the seat counts its Offers show.
  const variant = gate.kind === 'library' ? libraryVariant(sessionCookieValue(cookie), gate.productId, gate.lang as Lang) : seatsVariant(gate.products, nowMs());
  const serve = (v: string | undefined) => {
    const page = v === undefined ? undefined : store.get(variantKey(key, v), Date.now());
    if (!page?.rep) return false;
    sendRepresentation(req, res, page.rep, context.requestId);
    return true;
  };
  return typeof variant === 'string' ? serve(variant) : variant.then(serve);
}
