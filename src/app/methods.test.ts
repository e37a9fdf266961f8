import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { localizedRouteFiles } from './integration.ts';
import { checkMethod, POST_ROUTES } from './methods.ts';

const SRC = path.resolve(import.meta.dirname, '..');
const LANGS = ['en', 'it'];

/** Every route file with the URL pattern it serves, from src/pages/ and src/routes/. */
function routeFiles(): { pattern: string; file: string }[] {
  const pages = localizedRouteFiles(path.join(SRC, 'pages'));
  return [...pages, ...localizedRouteFiles(path.join(SRC, 'routes'))];
}

function takesPost(file: string): boolean {
  const source = readFileSync(file, 'utf8');
  return /export const (POST|ALL)\b/.test(source) || /Astro\.request\.method\s*[!=]==?\s*'POST'/.test(source);
}

describe('which methods each URL takes', () => {
  it('lists exactly the routes whose files take a POST', () => {
    const fromFiles = routeFiles().filter((r) => takesPost(r.file)).map((r) => r.pattern).sort();
    expect([...POST_ROUTES.map((r) => r.path)].sort()).toEqual(fromFiles);
  });

  it('lets GET and HEAD through everywhere but on POST-only routes', () => {
    for (const p of ['/', '/notes/', '/notes/205-three-steps/', '/it/notes/page/2/', '/rss.xml', '/media/x/y.mp4', '/subscribe']) {
      expect(checkMethod('GET', p, LANGS), p).toBeUndefined();
      expect(checkMethod('HEAD', p, LANGS), p).toBeUndefined();
    }
    expect(checkMethod('GET', '/webhooks/stripe', LANGS)).toEqual({ status: 405, allow: 'POST' });
  });

  it('takes POST on the form routes, in every language, and nowhere else', () => {
    for (const p of ['/subscribe', '/unsubscribe/', '/checkout/okr-coach', '/it/checkout/okr-coach/', '/login', '/it/login/verify', '/logout', '/webhooks/resend']) {
      expect(checkMethod('POST', p, LANGS), p).toBeUndefined();
    }
    for (const p of ['/', '/notes/', '/it/', '/checkout/a/b', '/xx/login', '/media/x/y.mp4']) {
      expect(checkMethod('POST', p, LANGS), p).toEqual({ status: 405, allow: 'GET, HEAD' });
    }
  });

  it('answers TRACE, PROPFIND and the rest with 405, OPTIONS with 204', () => {
    for (const m of ['TRACE', 'TRACK', 'PROPFIND', 'PUT', 'PATCH', 'DELETE', 'CONNECT', 'FOO']) {
      expect(checkMethod(m, '/subscribe', LANGS), m).toEqual({ status: 405, allow: 'GET, HEAD, POST' });
    }
    expect(checkMethod('OPTIONS', '/notes/', LANGS)).toEqual({ status: 204, allow: 'GET, HEAD' });
    expect(checkMethod('OPTIONS', '*', LANGS)).toEqual({ status: 204, allow: 'GET, HEAD, POST' });
  });
});
