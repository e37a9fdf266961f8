import type { CacheProvider } from 'astro';
import { hasSessionCookie } from '../lib/auth/session-cookie.ts';
import { requestIdFrom } from '../lib/core/log.server.ts';
import { etagMatches } from '../lib/core/etag.ts';
import { compress, isCompressible, negotiateEncoding, representations, type Representations } from '../server/respond.ts';

// The in-memory route cache of rendered pages (docs/decisions/001), bounded by what the pages
// weigh, not by how many there are, and keyed only by what changes a page. Astro's memoryCache()
// keys by origin + path + query and counts entries: 5,000 attacker-chosen query strings on one
// Note filled it with 5,000 copies (RSS 445 → 675 MB, kept). See docs/decisions/015.

export interface PageCacheOptions {
  /** What all stored pages may weigh together (bodies, headers and keys), in bytes. */
  maxBytes?: number;
  /** A page heavier than this is served but not kept. */
  maxEntryBytes?: number;
}

/**
 * What a path's entry holds instead of a page when the page varies with the database: what the
 * front asks (per request) to pick the stored variant. library: the session's access to a
 * product (/library/<id>/); seats: the seat counts of products a Note's Offers show.
 */
export type Gate = { kind: 'library'; productId: string; lang: string } | { kind: 'seats'; products: string[] };

export interface Entry {
  /** the page, once per encoding (undefined for a gate) */
  rep?: Representations;
  gate?: Gate;
  storedAt: number;
  maxAgeMs: number;
  tags: string[];
  bytes: number;
}

export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

/** What a page's key ends with for a visitor whose browser has a session cookie. */
const SIGNED_IN_SUFFIX = '\u0000signed-in';

/**
 * The key: the decoded path with one trailing slash removed, and one bit of the visitor. Pages
 * that call Astro.cache.set() are built from the catalog alone, never from the query string or
 * the Host header (001), so "?utm_source=…", "?x=<random>" or another Host give the same page
 * and share its entry. The one thing of the visitor's they show is the nav's "Sign in" or "Your
 * library", decided by whether a session cookie is sent (hasSessionCookie, 025): so that bit is
 * in the key. undefined: a path that does not decode is not cached.
 */
export function pageCacheKey(url: Pick<URL, 'pathname'>, cookieHeader?: string | null): string | undefined {
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    return undefined;
  }
  const key = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  return hasSessionCookie(cookieHeader) ? key + SIGNED_IN_SUFFIX : key;
}

function maxAgeOf(header: string | null): number {
  const m = /(?:^|,)\s*max-age=(\d+)/i.exec(header ?? '');
  return m ? Number(m[1]) : 0;
}

/** A byte-bounded LRU of rendered pages; exported for its unit test. */
export class PageStore {
  readonly #entries = new Map<string, Entry>();
  #bytes = 0;
  readonly #maxBytes: number;
  readonly #maxEntryBytes: number;

  constructor({ maxBytes = DEFAULT_MAX_BYTES, maxEntryBytes = Math.floor(maxBytes / 16) }: PageCacheOptions = {}) {
    this.#maxBytes = maxBytes;
    this.#maxEntryBytes = Math.min(maxEntryBytes, maxBytes);
  }

  get bytes(): number {
    return this.#bytes;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: string, now: number): Entry | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    this.#entries.delete(key);
    if (now - entry.storedAt >= entry.maxAgeMs) {
      this.#bytes -= entry.bytes;
      return undefined;
    }
    // Map order is the LRU order: re-insert on use.
    this.#entries.set(key, entry);
    return entry;
  }

  set(key: string, entry: Omit<Entry, 'bytes'>): boolean {
    let bytes = key.length * 2 + 64;
    // The encodings may share one buffer (identity kept where compression did not help).
    for (const variant of new Set(entry.rep ? Object.values(entry.rep.variants) : [])) {
      bytes += variant.body.byteLength;
      for (const h of variant.headers) bytes += h.length * 2;
    }
    this.delete(key);
    if (bytes > this.#maxEntryBytes) return false;
    this.#entries.set(key, { ...entry, bytes });
    this.#bytes += bytes;
    for (const [oldest, old] of this.#entries) {
      if (this.#bytes <= this.#maxBytes) break;
      this.#entries.delete(oldest);
      this.#bytes -= old.bytes;
    }
    return true;
  }

  /** The page under key, if any, without touching its place in the LRU or its expiry. */
  peek(key: string): Representations | undefined {
    return this.#entries.get(key)?.rep;
  }

  delete(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    this.#bytes -= entry.bytes;
  }

  deleteWhere(test: (key: string, entry: Entry) => boolean): void {
    for (const [key, entry] of [...this.#entries]) if (test(key, entry)) this.delete(key);
  }
}

/**
 * The response header a page that varies with the database sets to be kept (docs/decisions/029):
 * variantHeader(). Never sent to the browser.
 */
export const VARIANT_HEADER = 'X-Drumbeat-Variant';

/** variant: names everything the page shows of what the gate reads (libraryVariant, seatsVariant). */
export function variantHeader(gate: Gate, variant: string, maxAgeSeconds: number, tags: string[]): string {
  const g = gate.kind === 'library' ? `library:${gate.productId}:${gate.lang}` : `seats:${gate.products.join(',')}`;
  return `${g} ${variant} ${Math.floor(maxAgeSeconds)} ${tags.join(',')}`;
}

export function parseVariantHeader(value: string): { gate: Gate; variant: string; maxAgeMs: number; tags: string[] } | undefined {
  const [g = '', variant, maxAge, tags = ''] = value.split(' ');
  const [kind, a, b] = g.split(':');
  const gate: Gate | undefined = kind === 'library' && a && b ? { kind, productId: a, lang: b } : kind === 'seats' && a ? { kind, products: a.split(',') } : undefined;
  const maxAgeMs = Number(maxAge) * 1000;
  if (!gate || !variant || !(maxAgeMs > 0)) return undefined;
  return { gate, variant, maxAgeMs, tags: tags.split(',').filter(Boolean) };
}

/**
 * A public page kept here can change at any commit or moment of the clock (a Note going public, a
 * sale closing, a seat taken): browsers and proxies may store it and ask again with its ETag each
 * time (a 304 from memory), unless the page said otherwise.
 */
function forBrowsers(response: Response): void {
  if (!response.headers.has('Cache-Control')) response.headers.set('Cache-Control', 'public, no-cache');
}

/** Headers that are the cache's own business, or per request, and so are not kept. */
const NOT_KEPT = new Set(['set-cookie', 'cdn-cache-control', 'cache-tag', 'x-request-id', 'x-astro-cache', VARIANT_HEADER.toLowerCase()]);

/** Where a gated page's variant is kept: beside its gate, under the path's key. */
export function variantKey(pathKey: string, variant: string): string {
  return `${pathKey}\u0000${variant}`;
}

let shared: PageStore | undefined;

/**
 * The one store the provider below fills, for the serving front (src/app/page-front.ts) to answer
 * from without Astro's pipeline; undefined until Astro has created the provider.
 */
export function sharedPageStore(): PageStore | undefined {
  return shared;
}

// Keys being compressed, so a burst of misses on a new page compresses it once.
const compressing = new Set<string>();

/**
 * Keeps a rendered page: at once as it is (the next request is a hit), then, when zlib's thread
 * pool has compressed it, with its brotli and gzip bytes, unless it was replaced or dropped
 * meanwhile. Never compressed per request.
 */
async function keep(store: PageStore, key: string, response: Response, maxAgeMs: number, tags: string[], gate?: { pathKey: string; gate: Gate }): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer());
  const headers: [string, string][] = [];
  response.headers.forEach((value, name) => {
    if (!NOT_KEPT.has(name)) headers.push([name, value]);
  });
  headers.push(['X-Astro-Cache', 'HIT']);
  const compressible = isCompressible(response.headers.get('content-type') ?? undefined);
  const storedAt = Date.now();
  const entry = { rep: representations(response.status, headers, body, compressible ? {} : undefined), storedAt, maxAgeMs, tags };
  store.set(key, entry);
  if (gate) store.set(gate.pathKey, { gate: gate.gate, storedAt, maxAgeMs, tags });
  if (!compressible || compressing.has(key)) return;
  compressing.add(key);
  void compress(body)
    .then((encoded) => {
      if (store.peek(key) === entry.rep) store.set(key, { ...entry, rep: representations(response.status, headers, body, encoded) });
    })
    .catch(() => undefined)
    .finally(() => compressing.delete(key));
}

/** A stored page as Astro answers it (a server started from dist/server/entry.mjs directly). */
function responseFor(request: Request, rep: Representations, requestId: string): Response {
  const notModified = rep.status === 200 && etagMatches(request.headers.get('if-none-match') ?? undefined, rep.etags);
  const variant = rep.variants[negotiateEncoding(request.headers.get('accept-encoding') ?? undefined)];
  const headers = new Headers();
  for (let i = 0; i < variant.headers.length; i += 2) headers.append(variant.headers[i]!, variant.headers[i + 1]!);
  headers.set('X-Request-Id', requestId);
  if (notModified) {
    headers.delete('content-length');
    headers.delete('content-encoding');
    return new Response(null, { status: 304, headers });
  }
  return new Response(request.method === 'HEAD' ? null : new Uint8Array(variant.body), { status: rep.status, headers });
}

export default function pageCache(options: PageCacheOptions | undefined): CacheProvider {
  const store = (shared = new PageStore(options));
  return {
    name: 'drumbeat-pages',
    async onRequest({ request, url }, next) {
      if (request.method !== 'GET') return next();
      const key = pageCacheKey(url, request.headers.get('cookie'));
      if (key === undefined) return next();
      const hit = store.get(key, Date.now());
      // A gate's variant is picked by the front, which asks the database; here the page renders.
      if (hit?.rep) return responseFor(request, hit.rep, requestIdFrom(request.headers.get('x-request-id')));
      const response = await next();
      const header = response.headers.get(VARIANT_HEADER);
      if (header !== null) {
        response.headers.delete(VARIANT_HEADER);
        const v = parseVariantHeader(header);
        // Kept whatever the page tells browsers (a library page is private, no-store): this copy
        // is served only after the same per-request decision picked it again.
        if (v && response.status === 200 && !response.headers.has('Set-Cookie')) {
          if (v.gate.kind === 'seats') forBrowsers(response);
          await keep(store, variantKey(key, v.variant), response.clone(), v.maxAgeMs, v.tags, { pathKey: key, gate: v.gate });
        }
        return response;
      }
      const maxAge = maxAgeOf(response.headers.get('CDN-Cache-Control'));
      // Only finished pages: redirects and 404s are cheap to answer again, and their paths are
      // the visitor's to choose. Nothing personal (a cookie set) or varying per request is kept.
      if (maxAge <= 0 || response.status !== 200 || response.headers.has('Set-Cookie') || response.headers.has('Vary')) return response;
      const tags = (response.headers.get('Cache-Tag') ?? '').split(',').map((t) => t.trim()).filter(Boolean);
      forBrowsers(response);
      await keep(store, key, response.clone(), maxAge * 1000, tags);
      response.headers.set('X-Astro-Cache', 'MISS');
      return response;
    },
    async invalidate({ path, tags }) {
      const wanted = new Set(typeof tags === 'string' ? [tags] : (tags ?? []));
      const pathKey = path === undefined ? undefined : pageCacheKey(new URL(path, 'http://x'));
      // A path's page, signed in or out, and every variant kept under it.
      const ofPath = (key: string) => pathKey !== undefined && (key === pathKey || key.startsWith(`${pathKey}\u0000`));
      store.deleteWhere((key, entry) => ofPath(key) || entry.tags.some((t) => wanted.has(t)));
    },
  };
}
