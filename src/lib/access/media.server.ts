import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { MediaFile } from '../catalog/media.server.ts';

// Media files streamed after the access check, with HTTP Range so players can seek. The check is
// the caller's (/media/<product>/<file> asks sessionAccess on every request, Range requests
// included); this only streams the file catalog/media.server.ts found.

export type ByteRange = { start: number; end: number } | 'unsatisfiable' | undefined;

/** One range of "bytes=a-b", "bytes=a-" or "bytes=-n"; multiple ranges are served whole (undefined). */
export function parseRange(header: string | null, size: number): ByteRange {
  if (!header) return undefined;
  // Another unit than bytes is ignored (RFC 9110): the whole file is served. Range units are
  // case-insensitive (RFC 9110 §14.1), so "BYTES=0-1" is a byte range like "bytes=0-1".
  if (!/^\s*bytes=/i.test(header)) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/i.exec(header.trim());
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
