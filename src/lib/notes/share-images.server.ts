import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { authorPhoto, type AuthorPhoto } from '../core/author-photo.server.ts';
import { shareImagePool } from '../core/share-image-pool.server.ts';
import { SHARE_IMAGE_HEIGHT, SHARE_IMAGE_WIDTH, type ShareCard } from '../core/share-image.server.ts';
import type { SiteConfig } from '../core/site.ts';
import { isLang, type Lang } from '../../i18n/lang.ts';
import { t } from '../../i18n/text.ts';
import { publishInstant } from './publish.ts';
import { scanNotes } from './validate.ts';

// Pure of Astro (no astro:content): the build's integration runs it before any page exists.
// Each Note's share image (Open Graph / Twitter card) is drawn at build time into
// dist/server/share-images/<lang>/<number>.png, outside the public folder: a scheduled Note's
// image exists before its moment, but only the route below serves it, and only once the Note is
// public, by the same rule as the Note's page (docs/decisions/034).

export const SHARE_IMAGES_DIR = 'share-images';
/** Bump when the card's design changes: the build cache keys on it. */
const CARD_VERSION = 1;
/**
 * Public Notes per language drawn by the build, newest first (scheduled ones are always drawn).
 * A card costs ~70 ms of CPU: at 5,000 Notes in two languages a first build would draw for
 * minutes, for old Notes rarely shared. Older ones are drawn on their first request (034).
 */
export const SHARE_IMAGES_AT_BUILD = 500;

export const shareImageSize = { width: SHARE_IMAGE_WIDTH, height: SHARE_IMAGE_HEIGHT } as const;

/** "/notes/205-three-steps/share.png": beside the Note, so it shares its language and its slug rules. */
export function shareImagePath(notePagePath: string): string {
  return `${notePagePath.replace(/\/?$/, '/')}share.png`;
}

export function noteShareCard(note: { lang: Lang; number: number; title: string }, site: SiteConfig, photo: AuthorPhoto | undefined): ShareCard {
  return {
    kicker: `${t(note.lang, 'note.label')} №${note.number}`,
    title: note.title,
    byline: site.author.name,
    site: site.title,
    ...(photo ? { photo: { bytes: photo.bytes, type: photo.type } } : {}),
  };
}

function cacheKey(card: ShareCard): string {
  const { photo, ...text } = card;
  const h = createHash('sha256').update(JSON.stringify({ v: CARD_VERSION, text }));
  if (photo) h.update(photo.bytes);
  return h.digest('hex');
}

export interface ShareImagesReport {
  images: number;
  rendered: number;
  workers: number;
  ms: number;
}

/**
 * Draws the images of the scheduled Notes (they go public without a rebuild) and of the newest
 * public ones, never a draft's, into <serverDir>/share-images/. A card drawn by an earlier build with the same words is
 * copied from cacheDir instead of drawn again: a rebuild pays only for new or retitled Notes.
 */
export async function writeShareImages(options: { contentDir: string; site: SiteConfig; serverDir: string; cacheDir: string; now?: number; perLanguage?: number }): Promise<ShareImagesReport> {
  const started = performance.now();
  const { site } = options;
  const now = options.now ?? Date.now();
  const perLanguage = options.perLanguage ?? SHARE_IMAGES_AT_BUILD;
  const photo = authorPhoto(options.contentDir, site);
  const scanned = scanNotes(options.contentDir, site.languages, site.defaultLanguage).notes.filter((n) => !n.frontmatter.draft && isLang(n.lang, site.languages));
  const moment = new Map(scanned.map((n) => [n, publishInstant(n.frontmatter.date, site.timeZone)]));
  const publicSoFar = new Map<string, number>();
  const notes = scanned
    .sort((a, b) => moment.get(b)! - moment.get(a)!)
    .filter((n) => {
      if (moment.get(n)! > now) return true;
      const count = (publicSoFar.get(n.lang) ?? 0) + 1;
      publicSoFar.set(n.lang, count);
      return count <= perLanguage;
    });
  mkdirSync(options.cacheDir, { recursive: true });
  const pool = shareImagePool();
  let images = 0;
  let rendered = 0;
  // A bounded window of cards in flight keeps every worker busy without holding 10,000 PNGs.
  const inFlight = new Set<Promise<void>>();
  try {
    for (const note of notes) {
      if (!isLang(note.lang, site.languages)) continue;
      const card = noteShareCard({ lang: note.lang, number: note.frontmatter.number, title: note.frontmatter.title }, site, photo);
      const out = path.join(options.serverDir, SHARE_IMAGES_DIR, note.lang, `${note.frontmatter.number}.png`);
      mkdirSync(path.dirname(out), { recursive: true });
      images++;
      const cached = path.join(options.cacheDir, `${cacheKey(card)}.png`);
      if (existsSync(cached)) {
        writeFileSync(out, readFileSync(cached));
        continue;
      }
      const tmp = `${cached}.${process.pid}.${rendered++}.tmp`;
      const job = pool.render(card).then((png) => {
        // Builds may run side by side (tests, benchmarks): a half-written file is never seen.
        writeFileSync(tmp, png);
        renameSync(tmp, cached);
        writeFileSync(out, png);
      });
      inFlight.add(job);
      void job.finally(() => inFlight.delete(job)).catch(() => undefined);
      if (inFlight.size >= 16) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  } finally {
    await pool.close();
  }
  return { images, rendered, workers: pool.workers, ms: performance.now() - started };
}
