import { describe, expect, it } from 'vitest';
import { representations } from '../server/respond.ts';
import { pageCacheKey, PageStore, parseVariantHeader, variantHeader } from './page-cache.ts';

const page = (bytes: number, tags: string[] = ['notes']) => ({
  rep: representations(200, [['content-type', 'text/html']], Buffer.alloc(bytes)),
  storedAt: 0,
  maxAgeMs: 60_000,
  tags,
});

describe('the page cache key', () => {
  it('is the path alone: no query, no host, one trailing slash, decoded', () => {
    const key = pageCacheKey(new URL('http://a.example/notes/205-three-steps/'));
    expect(key).toBe('/notes/205-three-steps');
    for (const u of ['http://b.example/notes/205-three-steps?x=1', 'http://a.example/notes/205-three-steps/?utm_source=x&y=2', 'http://a.example/notes/205-three%2Dsteps/']) {
      expect(pageCacheKey(new URL(u)), u).toBe(key);
    }
    expect(pageCacheKey(new URL('http://a.example/'))).toBe('/');
    expect(pageCacheKey(new URL('http://a.example/%E0%A4%A'))).toBeUndefined();
  });
});

describe('the page cache key and the nav', () => {
  it('keeps one copy for visitors with a session cookie and one for the others, whatever else they send', () => {
    const url = new URL('http://a.example/notes/205-three-steps/');
    const out = pageCacheKey(url);
    expect(pageCacheKey(url, 'theme=dark; drumbeat_session=')).toBe(out);
    expect(pageCacheKey(url, 'other_drumbeat_session=x')).toBe(out);
    const signedIn = pageCacheKey(url, 'drumbeat_session=abc');
    expect(signedIn).not.toBe(out);
    expect(pageCacheKey(url, 'a=1; drumbeat_session=zzz; b=2')).toBe(signedIn);
  });
});

describe('PageStore', () => {
  it('stays within its byte budget, dropping the least recently used pages', () => {
    const store = new PageStore({ maxBytes: 100_000, maxEntryBytes: 50_000 });
    for (let i = 0; i < 1000; i++) store.set(`/p${i}`, page(10_000));
    expect(store.bytes).toBeLessThanOrEqual(100_000);
    expect(store.size).toBeLessThan(10);
    expect(store.get('/p999', 1)).toBeDefined();
    expect(store.get('/p0', 1)).toBeUndefined();
  });

  it('keeps a page used recently over older ones', () => {
    const store = new PageStore({ maxBytes: 35_000, maxEntryBytes: 20_000 });
    store.set('/a', page(10_000));
    store.set('/b', page(10_000));
    store.set('/c', page(10_000));
    store.get('/a', 1);
    store.set('/d', page(10_000));
    expect(store.get('/a', 1)).toBeDefined();
    expect(store.get('/b', 1)).toBeUndefined();
  });

  it('does not keep a page heavier than one entry may be', () => {
    const store = new PageStore({ maxBytes: 100_000, maxEntryBytes: 20_000 });
    expect(store.set('/big', page(30_000))).toBe(false);
    expect(store.size).toBe(0);
  });

  it('forgets expired pages and invalidated tags, and counts their bytes back', () => {
    const store = new PageStore({ maxBytes: 100_000 });
    store.set('/old', page(1_000));
    expect(store.get('/old', 60_000)).toBeUndefined();
    store.set('/n', page(1_000, ['notes']));
    store.set('/p', page(1_000, ['privacy']));
    store.deleteWhere((_, e) => e.tags.includes('notes'));
    expect(store.size).toBe(1);
    store.delete('/p');
    expect(store.bytes).toBe(0);
  });
});

describe('the variant header', () => {
  it('round-trips a gate, its variant, lifetime and tags', () => {
    const library = variantHeader({ kind: 'library', productId: 'okr-workshop-2027-03', lang: 'it' }, 'v1', 3600, ['product:okr-workshop-2027-03']);
    expect(parseVariantHeader(library)).toEqual({ gate: { kind: 'library', productId: 'okr-workshop-2027-03', lang: 'it' }, variant: 'v1', maxAgeMs: 3_600_000, tags: ['product:okr-workshop-2027-03'] });
    const seats = variantHeader({ kind: 'seats', products: ['a', 'b'] }, 'v2', 59.9, ['notes', 'offer:a']);
    expect(parseVariantHeader(seats)).toEqual({ gate: { kind: 'seats', products: ['a', 'b'] }, variant: 'v2', maxAgeMs: 59_000, tags: ['notes', 'offer:a'] });
    expect(parseVariantHeader('nonsense')).toBeUndefined();
    expect(parseVariantHeader('seats:a v 0 notes')).toBeUndefined();
  });
});
