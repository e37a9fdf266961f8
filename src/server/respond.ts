import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { brotliCompress, brotliCompressSync, constants, gzip, gzipSync } from 'node:zlib';
import { promisify } from 'node:util';
import { etagMatches } from '../lib/core/etag.ts';

// Answers from memory: one stored representation per encoding, its headers laid out once, so a
// request costs a header lookup, a string compare and one write (docs/decisions/028).

export type Encoding = 'br' | 'gzip' | 'identity';

/** What is sent for one encoding: the body and every header but the per-request ones. */
interface Variant {
  body: Buffer;
  /** flat [name, value, name, value…], ready for writeHead */
  headers: string[];
}

export interface Representations {
  status: number;
  /** the three strong validators, one per encoding (a strong ETag names one exact byte sequence) */
  etags: Set<string>;
  variants: Record<Encoding, Variant>;
}

const brotliAsync = promisify(brotliCompress);
const gzipAsync = promisify(gzip);
const BROTLI = { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT } };
const GZIP = { level: 9 };

/** Media types worth compressing; images other than SVG, fonts (woff2) and media are already. */
export function isCompressible(contentType: string | undefined): boolean {
  return /^(text\/|application\/(javascript|json|xml|rss\+xml|atom\+xml|manifest\+json|ld\+json)|image\/svg\+xml)/i.test(contentType ?? '');
}

/** Both encodings of a body, off the main thread (zlib's thread pool). */
export async function compress(body: Buffer): Promise<{ br: Buffer; gzip: Buffer }> {
  const [br, gz] = await Promise.all([brotliAsync(body, BROTLI), gzipAsync(body, GZIP)]);
  return { br, gzip: gz };
}

export function compressSync(body: Buffer): { br: Buffer; gzip: Buffer } {
  return { br: brotliCompressSync(body, BROTLI), gzip: gzipSync(body, GZIP) };
}

export function strongEtag(body: Buffer): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}

/**
 * Lays out what each encoding sends. headers: the response's own (Content-Type, CSP, security
 * headers, Cache-Control…), without Content-Length, Content-Encoding, ETag or X-Request-Id, which
 * are ours. An encoding is kept only where it is smaller than the identity body.
 */
export function representations(status: number, headers: [string, string][], body: Buffer, encoded?: { br?: Buffer; gzip?: Buffer }): Representations {
  const ours = new Set(['content-length', 'content-encoding', 'etag', 'x-request-id', 'vary', 'transfer-encoding', 'connection', 'date']);
  const base: string[] = [];
  for (const [name, value] of headers) if (!ours.has(name.toLowerCase())) base.push(name, value);
  const etag = strongEtag(body);
  const vary = encoded ? ['Vary', 'Accept-Encoding'] : [];
  const variant = (encoding: Encoding, bytes: Buffer, tag: string): Variant => ({
    body: bytes,
    headers: [...base, ...vary, 'ETag', tag, ...(encoding === 'identity' ? [] : ['Content-Encoding', encoding]), 'Content-Length', String(bytes.length)],
  });
  const identity = variant('identity', body, etag);
  const pick = (encoding: 'br' | 'gzip', bytes: Buffer | undefined) =>
    bytes && bytes.length < body.length ? variant(encoding, bytes, `${etag.slice(0, -1)}-${encoding === 'br' ? 'br' : 'gz'}"`) : identity;
  const variants = { identity, br: pick('br', encoded?.br), gzip: pick('gzip', encoded?.gzip) };
  return { status, etags: new Set([variants.identity, variants.br, variants.gzip].map((v) => v.headers[v.headers.indexOf('ETag') + 1]!)), variants };
}

/**
 * The encoding to send for an Accept-Encoding header (RFC 9110 12.5.3): the client's q-values
 * decide, brotli winning ties; identity unless refused. "*" stands for any encoding not named.
 */
export function negotiateEncoding(header: string | undefined): Encoding {
  if (!header) return 'identity';
  // Browsers send a handful of distinct headers, the same on every request: parsed once each.
  const known = negotiated.get(header);
  if (known !== undefined) return known;
  const encoding = parseAcceptEncoding(header);
  // Bounded in count and size: the header is the client's to choose.
  if (header.length > 200) return encoding;
  if (negotiated.size >= NEGOTIATED_MAX) negotiated.clear();
  negotiated.set(header, encoding);
  return encoding;
}

const negotiated = new Map<string, Encoding>();
const NEGOTIATED_MAX = 256;

function parseAcceptEncoding(header: string): Encoding {
  const q: Record<string, number> = {};
  for (const part of header.split(',')) {
    const [rawName, ...params] = part.split(';');
    const name = rawName!.trim().toLowerCase();
    if (!name) continue;
    let weight = 1;
    for (const p of params) {
      const m = /^\s*q\s*=\s*([0-9.]+)\s*$/i.exec(p);
      if (m) weight = Number(m[1]);
    }
    q[name] = Number.isFinite(weight) ? weight : 0;
  }
  const of = (name: string) => q[name] ?? q['*'] ?? (name === 'identity' ? 1 : 0);
  const br = of('br');
  const gz = Math.max(of('gzip'), q['x-gzip'] ?? 0);
  if (br > 0 && br >= gz) return 'br';
  if (gz > 0) return 'gzip';
  return 'identity';
}

/**
 * Writes a stored answer: 304 when the client already has it, headers only for HEAD, else the
 * encoding it asked for. requestId is the one per-request header.
 */
export function sendRepresentation(req: IncomingMessage, res: ServerResponse, rep: Representations, requestId: string, extra: string[] = []): void {
  const variant = rep.variants[negotiateEncoding(req.headers['accept-encoding'])];
  if (rep.status === 200 && etagMatches(req.headers['if-none-match'], rep.etags)) {
    // A 304 carries the validators and caching headers of the 200 it stands for, no body.
    const headers: string[] = [];
    for (let i = 0; i < variant.headers.length; i += 2) {
      const name = variant.headers[i]!.toLowerCase();
      if (name !== 'content-length' && name !== 'content-encoding' && name !== 'content-type') headers.push(variant.headers[i]!, variant.headers[i + 1]!);
    }
    res.writeHead(304, [...headers, ...extra, 'X-Request-Id', requestId]);
    res.end();
    return;
  }
  res.writeHead(rep.status, [...variant.headers, ...extra, 'X-Request-Id', requestId]);
  res.end(req.method === 'HEAD' ? undefined : variant.body);
}
