import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { findMedia, type MediaFile } from '../catalog/media.server.ts';
import { etagMatches } from '../core/etag.ts';
import { getSite } from '../core/site.server.ts';
import { t } from '../../i18n/text.ts';
import { sessionAccess } from './access.server.ts';

// Media files answered after the access check, with HTTP Range so players can seek. The answer
// is decided here once, as plain data (status, headers, which bytes of which file), and written
// by two callers: the server's front (src/server/media-front.ts, straight onto the socket, before
// Astro) and the Astro route /media/<product>/<file> (a server started from dist/ directly).

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

/** A file's version: size and modification time, so a replaced recording is another entity. Strong. */
export function mediaEtag(media: MediaFile): string {
  return `"${media.size.toString(36)}-${media.mtimeMs.toString(36)}"`;
}

/** What a response to a media request is, whoever writes it. */
export interface MediaAnswer {
  status: number;
  headers: Record<string, string>;
  /** a refusal's text */
  text?: string;
  /** the bytes start…end (inclusive) of this file make the body */
  stream?: { file: string; start: number; end: number };
}

export interface MediaRequest {
  method: string;
  productId: string;
  file: string;
  /** the session cookie's value, unchecked */
  sessionToken: string | undefined;
  header(name: 'range' | 'if-range' | 'if-none-match'): string | null | undefined;
}

const deny = (status: number, text: string): MediaAnswer => ({ status, text, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'private, no-store' } });

/**
 * The whole decision for /media/<product>/<file>. The access check runs on every request, Range
 * requests included (one indexed query): a copied link works for nobody else, and a refund or the
 * deadline stops the next request, whatever the browser cached about the page.
 */
export async function answerMedia(req: MediaRequest): Promise<MediaAnswer> {
  const lang = getSite().defaultLanguage;
  const access = await sessionAccess(req.sessionToken, req.productId);
  if (!access.email) return deny(401, t(lang, 'media.signIn'));
  if (!access.access) return deny(403, t(lang, 'media.noAccess'));
  const media = findMedia(req.productId, req.file);
  if (!media) return deny(404, t(lang, 'media.missing'));
  return mediaBytes(req, media);
}

/**
 * Whether a Range may be honoured under If-Range (RFC 9110 §13.1.5): the validator must be this
 * very version, a strong ETag compared strongly or the exact Last-Modified date. Otherwise the
 * client's partial copy is of another file and it gets the whole new one.
 */
function ifRangeHolds(header: string | null | undefined, etag: string, lastModified: string): boolean {
  if (header === null || header === undefined) return true;
  const value = header.trim();
  if (value.startsWith('"') || value.startsWith('W/')) return value === etag;
  return value === lastModified;
}

/** Status and headers for this file's bytes: 200, 206, 304 or 416. */
export function mediaBytes(req: Pick<MediaRequest, 'method' | 'header'>, media: MediaFile): MediaAnswer {
  const etag = mediaEtag(media);
  const lastModified = new Date(media.mtimeMs).toUTCString();
  const headers: Record<string, string> = {
    'Content-Type': media.type,
    'Accept-Ranges': 'bytes',
    // Private: a shared cache must never hand a buyer's file to someone else.
    'Cache-Control': 'private, no-store',
    'Content-Disposition': 'inline',
    'X-Content-Type-Options': 'nosniff',
    ETag: etag,
    'Last-Modified': lastModified,
  };
  if (etagMatches(req.header('if-none-match') ?? undefined, new Set([etag]))) {
    delete headers['Content-Type'];
    return { status: 304, headers };
  }
  const range = ifRangeHolds(req.header('if-range'), etag, lastModified) ? parseRange(req.header('range') ?? null, media.size) : undefined;
  if (range === 'unsatisfiable') {
    headers['Content-Range'] = `bytes */${media.size}`;
    headers['Content-Length'] = '0';
    return { status: 416, headers };
  }
  const { start, end } = range ?? { start: 0, end: media.size - 1 };
  headers['Content-Length'] = String(media.size === 0 ? 0 : end - start + 1);
  if (range) headers['Content-Range'] = `bytes ${start}-${end}/${media.size}`;
  const status = range ? 206 : 200;
  if (req.method === 'HEAD' || media.size === 0) return { status, headers };
  return { status, headers, stream: { file: media.file, start, end } };
}

/** The answer as a fetch Response, for the Astro route. */
export function mediaResponse(answer: MediaAnswer): Response {
  const body = answer.stream
    ? (Readable.toWeb(createReadStream(answer.stream.file, { start: answer.stream.start, end: answer.stream.end })) as ReadableStream<Uint8Array>)
    : (answer.text ?? null);
  return new Response(body, { status: answer.status, headers: answer.headers });
}
