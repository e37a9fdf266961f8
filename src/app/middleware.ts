import type { MiddlewareHandler } from 'astro';
import { defineMiddleware } from 'astro:middleware';
import { withAfterResponse } from '../lib/core/after-response.server.ts';
import { getEnv } from '../lib/core/env.server.ts';
import { log, requestIdFrom, withRequestId } from '../lib/core/log.server.ts';
import { ensureDatabase } from '../lib/core/db/migrate.server.ts';
import { readForm } from '../lib/core/http.server.ts';
import { getSite } from '../lib/core/site.server.ts';
import { readUnsubscribeToken } from '../lib/newsletter/links.server.ts';
import { checkMethod, METHOD_NOT_ALLOWED, methodResponseHeaders } from './methods.ts';
import { FALLBACK_POLICY, policyForPage, SECURITY_HEADERS, serverHeaders, type ServerHeaders } from './security-headers.ts';

let own: ServerHeaders | undefined;

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * CSRF: a browser always sends Origin with a POST; one from another site is refused. Requests
 * without Origin come from non-browser clients (mail providers' one-click unsubscribe, webhooks,
 * scripts), which cannot carry a visitor's cookies or intent, so they pass to the route, whose
 * own authority (signed token, webhook signature) decides. See docs/decisions/004.
 */
function isCrossSite(request: Request, url: URL): boolean {
  if (!UNSAFE.has(request.method)) return false;
  const origin = request.headers.get('origin');
  if (origin === null) return request.headers.get('sec-fetch-site') === 'cross-site';
  const allowed = new Set([url.origin, getEnv().SITE_URL]);
  return !allowed.has(origin);
}

/**
 * RFC 8058 one-click unsubscribe: the signed token in the URL is the authority, not the origin,
 * so it is accepted from any site (a mail client's web page may send one with its own Origin).
 * Exactly that request: POST /unsubscribe?token=<valid> with List-Unsubscribe=One-Click. It
 * changes one thing only, and only for the address the token names.
 */
async function isOneClickUnsubscribe(request: Request, url: URL): Promise<boolean> {
  if (request.method !== 'POST' || !/^\/unsubscribe\/?$/.test(url.pathname)) return false;
  if (!readUnsubscribeToken(url.searchParams.get('token'))) return false;
  // A copy: the route reads the body itself.
  const form = await readForm(request.clone());
  return form.ok && form.fields['List-Unsubscribe'] === 'One-Click';
}

const handle = async ({ request, url }: Parameters<MiddlewareHandler>[0], next: Parameters<MiddlewareHandler>[1]): Promise<Response> => {
  // `npm start` answers these before Astro (src/server/start.ts); this covers a server started
  // from dist/ directly.
  const verdict = checkMethod(request.method, url.pathname, getSite().languages);
  if (verdict) return new Response(verdict.status === 405 ? METHOD_NOT_ALLOWED : null, { status: verdict.status, headers: methodResponseHeaders(verdict) });
  if (isCrossSite(request, url) && !url.pathname.startsWith('/webhooks/') && !(await isOneClickUnsubscribe(request, url))) {
    return new Response('Cross-site form submissions are forbidden.', { status: 403, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  }
  // `npm start` migrates before serving; this covers a server started from dist/ directly.
  await ensureDatabase();
  let response = await next();
  // An empty 404 or 500 is replaced by the error page, which passes here itself; headers set on
  // the empty one would win over the page's own (its script hashes).
  if (response.body === null && (response.status === 404 || response.status === 500)) return response;
  own ??= serverHeaders(getEnv());
  let pagePolicy = response.headers.get('Content-Security-Policy');
  if (pagePolicy !== null && response.body !== null && response.headers.get('Content-Type')?.startsWith('text/html')) {
    // Read whole: pages are kept by the page cache once rendered, so this is once per page.
    const html = await response.text();
    pagePolicy = policyForPage(pagePolicy, html);
    response = new Response(html, { status: response.status, statusText: response.statusText, headers: response.headers });
  }
  response.headers.set('Content-Security-Policy', `${pagePolicy ?? FALLBACK_POLICY} ${own.formAction}`);
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
    if (!response.headers.has(name)) response.headers.set(name, value);
  }
  if (own.hsts) response.headers.set('Strict-Transport-Security', own.hsts);
  // Work a route deferred (the emails behind POST /subscribe and /login) starts once this is written.
  return withAfterResponse(request, response);
};

/**
 * Every line logged while serving a request, and by the work it leaves for after the response,
 * carries its id (the proxy's X-Request-Id when it sends one), and the response names it too.
 */
export const onRequest = defineMiddleware((context, next) => {
  const requestId = requestIdFrom(context.request.headers.get('x-request-id'));
  return withRequestId(requestId, async () => {
    const response = await handle(context, next);
    if (response.status >= 500) log.error('http.error', { method: context.request.method, path: context.url.pathname, status: response.status });
    try {
      response.headers.set('X-Request-Id', requestId);
    } catch {
      // A response with immutable headers (a fetch passed through) goes without it.
    }
    return response;
  });
});
