import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ROOT } from '../helpers/content.ts';
import { startSite, type RunningSite } from '../helpers/site.ts';

// The sample build's share images (issue 13): one per Note and language, drawn at build, served
// beside the Note only while it is public. Note 206 is scheduled for 2026-11-30 07:00 in Rome.
const BEFORE = '2026-11-25T12:00:00Z';
const AFTER = '2026-11-30T06:00:00Z';
let server: RunningSite;
let outDir: string;

beforeAll(async () => {
  outDir = inject('sampleOutDir');
  server = await startSite(outDir);
});
afterAll(() => server?.stop());

function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

const meta = (html: string, key: string) => new RegExp(`<meta (?:property|name)="${key.replace(/[.:]/g, '\\$&')}" content="([^"]*)"`).exec(html)?.[1];

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

describe('share images', { timeout: 60_000 }, () => {
  it('each Note page names its own image, a PNG of the stated size, different per language', async () => {
    await server.setClock(BEFORE);
    const images: Buffer[] = [];
    for (const page of ['/notes/205-three-steps/', '/it/notes/205-tre-passi/']) {
      const html = await (await fetch(server.url + page)).text();
      const url = meta(html, 'og:image')!;
      // Absolute, from SITE_URL, beside the Note.
      expect(url).toBe(`${server.url}${page}share.png`);
      expect(meta(html, 'twitter:card')).toBe('summary_large_image');
      expect(meta(html, 'twitter:image')).toBe(url);
      expect(meta(html, 'og:image:alt')).toMatch(page.startsWith('/it/') ? /^Nota №205: «.+», di Giulia Ferri$/ : /^Note №205: “.+”, by Giulia Ferri$/);
      const res = await fetch(url);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/png');
      const png = Buffer.from(await res.arrayBuffer());
      expect(pngSize(png)).toEqual({ width: Number(meta(html, 'og:image:width')), height: Number(meta(html, 'og:image:height')) });
      expect(pngSize(png)).toEqual({ width: 1200, height: 630 });
      images.push(png);
    }
    expect(images[0]!.equals(images[1]!)).toBe(false);
    // Drawn by the build, not on request: the bytes served are the file the build wrote.
    expect(images[0]!.equals(readFileSync(path.join(outDir, 'server', 'share-images', 'en', '205.png')))).toBe(true);
  });

  it('a scheduled Note’s image is not servable before its moment, and is once it is public', async () => {
    await server.setClock(BEFORE);
    for (const p of ['/notes/206-planning-the-year/share.png', '/it/notes/206-pianificare-l-anno/share.png', '/notes/206/share.png']) {
      expect((await fetch(server.url + p, { redirect: 'manual' })).status, p).toBe(404);
    }
    // Nowhere in the public folder either: no PNG the size of a card, no file named after Note 206.
    for (const file of filesUnder(path.join(outDir, 'client'))) {
      expect(file).not.toMatch(/206|share/);
      if (file.endsWith('.png')) expect(statSync(file).size).toBeLessThan(10_000);
    }
    await server.setClock(AFTER);
    const res = await fetch(`${server.url}/notes/206-planning-the-year/share.png`);
    expect(res.status).toBe(200);
    expect(pngSize(Buffer.from(await res.arrayBuffer()))).toEqual({ width: 1200, height: 630 });
    // A stale slug goes to the image's URL, like the Note's page.
    const moved = await fetch(`${server.url}/notes/206/share.png`, { redirect: 'manual' });
    expect(moved.status).toBe(301);
    expect(moved.headers.get('location')).toMatch(/\/notes\/206-planning-the-year\/share\.png$/);
  });
});

describe('topic pages in both languages', { timeout: 60_000 }, () => {
  const alternatesOf = async (p: string) => {
    const html = await (await fetch(server.url + p)).text();
    return Object.fromEntries([...html.matchAll(/<link rel="alternate" hreflang="([^"]+)" href="([^"]+)"/g)].map((m) => [m[1]!, m[2]!.replace(server.url, '')]));
  };

  it('point at each other where the translations agree, and the sitemap says the same', async () => {
    await server.setClock(BEFORE);
    expect(await alternatesOf('/topics/goals/')).toEqual({ en: '/topics/goals/', it: '/it/topics/obiettivi/', 'x-default': '/topics/goals/' });
    expect(await alternatesOf('/it/topics/obiettivi/')).toEqual({ it: '/it/topics/obiettivi/', en: '/topics/goals/', 'x-default': '/topics/goals/' });
    // The same word in both languages.
    expect(await alternatesOf('/it/topics/focus/')).toMatchObject({ en: '/topics/focus/' });
    // Every pair is reciprocal.
    for (const p of ['/topics/measurement/', '/topics/teams/', '/topics/okrs/', '/topics/rhythm/']) {
      const it_ = (await alternatesOf(p)).it!;
      expect(it_, p).toMatch(/^\/it\/topics\//);
      expect((await alternatesOf(it_)).en, it_).toBe(p);
    }
    const sitemap = await (await fetch(`${server.url}/sitemap-0.xml`)).text();
    const entry = /<url><loc>[^<]*\/topics\/goals\/<\/loc>.*?<\/url>/.exec(sitemap)?.[0];
    expect(entry).toContain(`hreflang="it" href="${server.url}/it/topics/obiettivi/"`);
    expect(entry).toContain(`hreflang="en" href="${server.url}/topics/goals/"`);
  });
});

describe('a Note the build did not draw (older than the newest drawn)', { timeout: 90_000 }, () => {
  let copy: RunningSite | undefined;
  let dir: string;
  afterAll(async () => {
    await copy?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('is drawn on its first request, the same card the build would have drawn; a scheduled one still is not', async () => {
    // Beside the sample build, so the built server finds node_modules as it does.
    dir = mkdtempSync(path.join(ROOT, 'tests', '.tmp', 'dist-share-'));
    cpSync(outDir, dir, { recursive: true });
    rmSync(path.join(dir, 'server', 'share-images'), { recursive: true });
    copy = await startSite(dir);
    await copy.setClock(BEFORE);
    const res = await fetch(`${copy.url}/notes/205-three-steps/share.png`);
    expect(res.status).toBe(200);
    const png = Buffer.from(await res.arrayBuffer());
    expect(png.equals(readFileSync(path.join(outDir, 'server', 'share-images', 'en', '205.png')))).toBe(true);
    expect((await fetch(`${copy.url}/notes/206-planning-the-year/share.png`)).status).toBe(404);
  });
});
