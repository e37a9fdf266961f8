import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { getEnv } from '../core/env.server.ts';
import { contentDir } from '../core/site.server.ts';
import { getProduct } from './products.server.ts';

// Where a product's declared media files are on disk, and what they are.

/**
 * Where a product's media file is: DATA_DIR/media/<id>/<file> (recordings kept out of git), else
 * content/media/<id>/<file> (small files committed with the content, like the sample). The path
 * returned is the file's real path, and it must lie inside its media folder: a symlink (or a
 * declared name with "..") leading out of it is refused, so a link to /etc/passwd serves nothing.
 * The media folder itself may be a link (to a bigger disk, say): the author chose where it points.
 */
function mediaPath(dir: string, productId: string, file: string, dataDir?: string): string | undefined {
  const roots = [...(dataDir ? [path.resolve(dataDir, 'media')] : []), path.resolve(dir, 'media')];
  for (const root of roots) {
    try {
      const realRoot = realpathSync(root);
      const real = realpathSync(path.resolve(root, productId, file));
      if (!real.startsWith(realRoot + path.sep)) continue;
      if (statSync(real).isFile()) return real;
    } catch {
      // not here; try the next place
    }
  }
  return undefined;
}

const TYPES: Record<string, string> = {
  '.mp4': 'video/mp4',
  '.m4v': 'video/mp4',
  '.webm': 'video/webm',
  '.mov': 'video/quicktime',
  '.mp3': 'audio/mpeg',
  '.m4a': 'audio/mp4',
  '.aac': 'audio/aac',
  '.wav': 'audio/wav',
  '.ogg': 'audio/ogg',
  '.oga': 'audio/ogg',
  '.opus': 'audio/ogg',
  '.flac': 'audio/flac',
  '.vtt': 'text/vtt; charset=utf-8',
  '.pdf': 'application/pdf',
};

export interface MediaFile {
  file: string;
  type: string;
  size: number;
  /** whole milliseconds: the ETag and Last-Modified say which version of the file a range is of */
  mtimeMs: number;
}

// Where each declared file is, remembered briefly: gated pages and Range requests ask on every
// request, and a few stat() calls each add up. A file copied in (or replaced) shows within seconds.
const LOOKUP_TTL_MS = 5_000;
const lookups = new Map<string, { media: MediaFile | undefined; at: number }>();

/** The declared media file of a product, on disk; undefined for anything not declared. */
export function findMedia(productId: string, file: string): MediaFile | undefined {
  const key = `${productId}/${file}`;
  const hit = lookups.get(key);
  if (hit && performance.now() - hit.at < LOOKUP_TTL_MS) return hit.media;
  const product = getProduct(productId);
  const declared = product?.media.find((m) => 'file' in m && m.file === file);
  if (!declared || !('file' in declared)) return undefined;
  const found = mediaPath(contentDir(), productId, declared.file, path.resolve(getEnv().DATA_DIR));
  const stat = found ? statSync(found) : undefined;
  const media = found && stat ? { file: found, type: declared.type ?? TYPES[path.extname(found).toLowerCase()] ?? 'application/octet-stream', size: stat.size, mtimeMs: Math.floor(stat.mtimeMs) } : undefined;
  // Only declared files are remembered, so the map is as small as the product list.
  lookups.set(key, { media, at: performance.now() });
  return media;
}

