import type { CacheProvider } from 'astro';
import { hasSessionCookie } from '../lib/auth/session-cookie.ts';

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

interface Entry {
  body: ArrayBuffer;
  status: number;
  headers: [string, string][];
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
export function pageCacheKey(url: URL, cookieHeader?: string | null): string | undefined {
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
    let bytes = key.length * 2 + entry.body.byteLength + 64;
    for (const [name, value] of entry.headers) bytes += (name.length + value.length) * 2;
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

export default function pageCache(options: PageCacheOptions | undefined): CacheProvider {
  const store = new PageStore(options);
  return {
    name: 'drumbeat-pages',
    async onRequest({ request, url }, next) {
      if (request.method !== 'GET') return next();
      const key = pageCacheKey(url, request.headers.get('cookie'));
      if (key === undefined) return next();
      const hit = store.get(key, Date.now());
      if (hit) {
        const response = new Response(hit.body.slice(0), { status: hit.status, headers: hit.headers });
        response.headers.set('X-Astro-Cache', 'HIT');
        return response;
      }
      const response = await next();
      const maxAge = maxAgeOf(response.headers.get('CDN-Cache-Control'));
      // Only finished pages: redirects and 404s are cheap to answer again, and their paths are
      // the visitor's to choose. Nothing personal (a cookie set) or varying per request is kept.
      if (maxAge <= 0 || response.status !== 200 || response.headers.has('Set-Cookie') || response.headers.has('Vary')) return response;
      const body = await response.clone().arrayBuffer();
      const headers: [string, string][] = [];
      response.headers.forEach((value, name) => {
        if (name !== 'set-cookie') headers.push([name, value]);
      });
      const tags = (response.headers.get('Cache-Tag') ?? '').split(',').map((t) => t.trim()).filter(Boolean);
      store.set(key, { body, status: response.status, headers, storedAt: Date.now(), maxAgeMs: maxAge * 1000, tags });
      response.headers.set('X-Astro-Cache', 'MISS');
      return response;
    },
    async invalidate({ path, tags }) {
      const wanted = new Set(typeof tags === 'string' ? [tags] : (tags ?? []));
      const pathKey = path === undefined ? undefined : pageCacheKey(new URL(path, 'http://x'));
      store.deleteWhere((key, entry) => key === pathKey || key === `${pathKey}${SIGNED_IN_SUFFIX}` || entry.tags.some((t) => wanted.has(t)));
    },
  };
}
