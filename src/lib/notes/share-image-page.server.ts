import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { authorPhoto } from '../core/author-photo.server.ts';
import { renderShareImage } from '../core/share-image.server.ts';
import { contentDir, getSite } from '../core/site.server.ts';
import type { Lang } from '../../i18n/lang.ts';
import { loadNotePage } from './pages.server.ts';
import { noteShareCard, shareImagePath, SHARE_IMAGES_DIR } from './share-images.server.ts';

// The built chunks sit in dist/server/chunks/ (or dist/server/), the images in dist/server/share-images/.
const CANDIDATES = ['..', '.'].map((rel) => path.join(fileURLToPath(new URL(`${rel}/`, import.meta.url)), SHARE_IMAGES_DIR));

export type ShareImageResult =
  | { kind: 'image'; png: Buffer }
  | { kind: 'redirect'; location: string }
  | { kind: 'not-found'; cache: { maxAge: number; tags: string[] } };

/** /notes/<n>-<slug>/share.png: the image of a Note public now, else 404 (a stale slug redirects). */
export async function loadShareImage(lang: Lang, param: string | undefined): Promise<ShareImageResult> {
  const page = await loadNotePage(lang, param);
  if (page.kind === 'redirect') return { kind: 'redirect', location: shareImagePath(page.location) };
  if (page.kind === 'not-found') return { kind: 'not-found', cache: page.cache };
  const { note } = page;
  for (const dir of CANDIDATES) {
    const file = path.join(dir, note.lang, `${note.number}.png`);
    if (existsSync(file)) return { kind: 'image', png: await readFile(file) };
  }
  return { kind: 'image', png: await drawnOnRequest(note) };
}

// A Note older than the build's newest (SHARE_IMAGES_AT_BUILD), or `astro dev`: drawn on its first
// request, once however many ask at the same time, and kept while it is among the last asked.
const KEPT = 64;
const drawn = new Map<string, Promise<Buffer>>();

function drawnOnRequest(note: { id: string; lang: Lang; number: number; title: string }): Promise<Buffer> {
  const key = note.id;
  const hit = drawn.get(key);
  if (hit) {
    drawn.delete(key);
    drawn.set(key, hit);
    return hit;
  }
  const png = renderShareImage(noteShareCard(note, getSite(), authorPhoto(contentDir(), getSite())));
  drawn.set(key, png);
  png.catch(() => drawn.get(key) === png && drawn.delete(key));
  if (drawn.size > KEPT) drawn.delete(drawn.keys().next().value!);
  return png;
}
