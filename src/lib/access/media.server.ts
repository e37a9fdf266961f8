import { createReadStream, statSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { getEnv } from '../env.server.ts';
import { contentDir } from '../site.server.ts';
import { getProduct, mediaPath } from '../payments/products.server.ts';

// Media files streamed after the access check, with HTTP Range so players can seek. The check is
// the caller's (the route asks accessTo on every request); this only finds and streams the file.

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
  const media = found ? { file: found, type: declared.type ?? TYPES[path.extname(found).toLowerCase()] ?? 'application/octet-stream', size: statSync(found).size } : undefined;
  // Only declared files are remembered, so the map is as small as the product list.
  lookups.set(key, { media, at: performance.now() });
  return media;
}

export type ByteRange = { start: number; end: number } | 'unsatisfiable' | undefined;

/** One range of "bytes=a-b", "bytes=a-" or "bytes=-n"; multiple ranges are served whole (undefined). */
export function parseRange(header: string | null, size: number): ByteRange {
  if (!header) return undefined;
  // Another unit than bytes is ignored (RFC 9110): the whole file is served.
  if (!/^\s*bytes=/i.test(header)) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return header.includes(',') ? undefined : 'unsatisfiable';
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

export function streamMedia(request: Request, media: MediaFile): Response {
  const headers = new Headers({
    'Content-Type': media.type,
    'Accept-Ranges': 'bytes',
    // Private: a shared cache must never hand a buyer's file to someone else.
    'Cache-Control': 'private, no-store',
    'Content-Disposition': 'inline',
    'X-Content-Type-Options': 'nosniff',
  });
  const range = parseRange(request.headers.get('range'), media.size);
  if (range === 'unsatisfiable') {
    headers.set('Content-Range', `bytes */${media.size}`);
    return new Response(null, { status: 416, headers });
  }
  const { start, end } = range ?? { start: 0, end: media.size - 1 };
  headers.set('Content-Length', String(media.size === 0 ? 0 : end - start + 1));
  if (range) headers.set('Content-Range', `bytes ${start}-${end}/${media.size}`);
  const status = range ? 206 : 200;
  if (request.method === 'HEAD' || media.size === 0) return new Response(null, { status, headers });
  const stream = Readable.toWeb(createReadStream(media.file, { start, end })) as ReadableStream<Uint8Array>;
  return new Response(stream, { status, headers });
}
