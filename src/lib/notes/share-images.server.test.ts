import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHARE_IMAGE_HEIGHT, SHARE_IMAGE_WIDTH } from '../core/share-image.server.ts';
import { loadSiteConfig } from '../core/site.ts';
import { tempContent, noteSource } from '../../../tests/helpers/content.ts';
import { writeShareImages } from './share-images.server.ts';

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('writeShareImages (the build step)', { timeout: 120_000 }, () => {
  it('draws every Note but drafts, per language, and draws again only what changed', async () => {
    const content = tempContent({
      'en/1-one.mdx': noteSource({ number: 1, title: 'One', date: '2026-01-05', summary: 's' }),
      'it/1-uno.mdx': noteSource({ number: 1, title: 'Uno', date: '2026-01-05', summary: 's' }),
      // Scheduled far ahead: drawn, since it goes public without a rebuild (only the route serves it).
      'en/2-later.mdx': noteSource({ number: 2, title: 'Later', date: '2099-01-05', summary: 's' }),
      'en/3-secret.mdx': noteSource({ number: 3, title: 'Secret draft', date: '2026-01-06', summary: 's', draft: true }),
    });
    const site = loadSiteConfig(content);
    const serverDir = mkdtempSync(path.join(os.tmpdir(), 'drumbeat-server-'));
    const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'drumbeat-share-cache-'));
    const first = await writeShareImages({ contentDir: content, site, serverDir, cacheDir });
    expect(first).toMatchObject({ images: 3, rendered: 3 });
    const dir = path.join(serverDir, 'share-images');
    expect(readdirSync(path.join(dir, 'en')).sort()).toEqual(['1.png', '2.png']);
    expect(readdirSync(path.join(dir, 'it'))).toEqual(['1.png']);
    expect(existsSync(path.join(dir, 'en', '3.png'))).toBe(false);
    const en = readFileSync(path.join(dir, 'en', '1.png'));
    const it_ = readFileSync(path.join(dir, 'it', '1.png'));
    expect(pngSize(en)).toEqual({ width: SHARE_IMAGE_WIDTH, height: SHARE_IMAGE_HEIGHT });
    expect(en.equals(it_)).toBe(false);

    // A rebuild with one Note retitled draws that one only, from the same cache.
    writeFileSync(path.join(content, 'notes', 'en', '1-one.mdx'), noteSource({ number: 1, title: 'One, retitled', date: '2026-01-05', summary: 's' }));
    const again = await writeShareImages({ contentDir: content, site, serverDir: mkdtempSync(path.join(os.tmpdir(), 'drumbeat-server-')), cacheDir });
    expect(again).toMatchObject({ images: 3, rendered: 1 });
  });

  it('draws the newest public Notes per language and every scheduled one; the older are left to their first request', async () => {
    const content = tempContent({
      'en/1-old.mdx': noteSource({ number: 1, title: 'Old', date: '2026-01-05', summary: 's' }),
      'en/2-new.mdx': noteSource({ number: 2, title: 'New', date: '2026-02-05', summary: 's' }),
      'en/3-soon.mdx': noteSource({ number: 3, title: 'Soon', date: '2026-03-05', summary: 's' }),
      'it/1-vecchia.mdx': noteSource({ number: 1, title: 'Vecchia', date: '2026-01-05', summary: 's' }),
    });
    const serverDir = mkdtempSync(path.join(os.tmpdir(), 'drumbeat-server-'));
    const report = await writeShareImages({
      contentDir: content, site: loadSiteConfig(content), serverDir, cacheDir: mkdtempSync(path.join(os.tmpdir(), 'drumbeat-share-cache-')),
      now: Date.parse('2026-02-10T00:00:00Z'), perLanguage: 1,
    });
    expect(report.images).toBe(3);
    expect(readdirSync(path.join(serverDir, 'share-images', 'en')).sort()).toEqual(['2.png', '3.png']);
    expect(readdirSync(path.join(serverDir, 'share-images', 'it'))).toEqual(['1.png']);
  });
});
