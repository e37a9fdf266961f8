import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { precompressClient } from '../app/integration.ts';
import { IMMUTABLE, loadStaticAssets, SHORT } from './static-assets.ts';

function client(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'drumbeat-client-'));
  mkdirSync(path.join(dir, '_astro'));
  writeFileSync(path.join(dir, '_astro', 'page.Ab12Cd.css'), `body{margin:0}${'.note p{line-height:1.6}'.repeat(40)}`);
  writeFileSync(path.join(dir, 'favicon.svg'), `<svg xmlns="http://www.w3.org/2000/svg">${'<g/>'.repeat(100)}</svg>`);
  writeFileSync(path.join(dir, 'photo.png'), Buffer.alloc(2000, 7));
  writeFileSync(path.join(dir, '.env'), 'SECRET=1');
  return dir;
}

const header = (headers: string[], name: string) => headers[headers.findIndex((h) => h.toLowerCase() === name.toLowerCase()) + 1];

describe('the files of dist/client', () => {
  it('are precompressed by the build, twins beside their file', () => {
    const dir = client();
    expect(precompressClient(dir)).toBe(2);
    const assets = loadStaticAssets(dir);
    // A twin is the file's encoding, not a file of its own; dotfiles are not served.
    expect([...assets.keys()].sort()).toEqual(['/_astro/page.Ab12Cd.css', '/favicon.svg', '/photo.png']);
    const css = assets.get('/_astro/page.Ab12Cd.css')!;
    expect(css.variants.br.body.length).toBeLessThan(css.variants.identity.body.length);
    expect(brotliDecompressSync(css.variants.br.body).equals(css.variants.identity.body)).toBe(true);
    expect(header(css.variants.br.headers, 'Content-Encoding')).toBe('br');
    expect(header(css.variants.br.headers, 'Content-Type')).toBe('text/css; charset=utf-8');
  });

  it('cache hashed build output for a year, immutable, and the rest briefly, with the security headers', () => {
    const assets = loadStaticAssets(client());
    expect(header(assets.get('/_astro/page.Ab12Cd.css')!.variants.identity.headers, 'Cache-Control')).toBe(IMMUTABLE);
    const icon = assets.get('/favicon.svg')!.variants.identity.headers;
    expect(header(icon, 'Cache-Control')).toBe(SHORT);
    expect(header(icon, 'X-Content-Type-Options')).toBe('nosniff');
    // Without twins from the build, text is compressed once at start; images are sent as they are.
    expect(header(assets.get('/favicon.svg')!.variants.gzip.headers, 'Content-Encoding')).toBe('gzip');
    const png = assets.get('/photo.png')!;
    expect(png.variants.br).toBe(png.variants.identity);
  });
});
