import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { SECURITY_HEADERS, FALLBACK_POLICY } from '../app/security-headers.ts';
import type { FrontContext, FrontHandler } from './front.ts';
import { compressSync, isCompressible, representations, sendRepresentation, type Representations } from './respond.ts';

// The files of dist/client, read once at start with their precompressed twins (written by the
// build, src/app/integration.ts) and served from memory: no disk lookup per request, and a path
// that is not a file costs one Map lookup before it goes on to Astro (docs/decisions/028).

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.pdf': 'application/pdf',
  '.wasm': 'application/wasm',
};

/** Hashed build output never changes under its name; anything else may change with a deploy. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const SHORT = 'public, max-age=3600';
/** Larger files stay on disk, for the adapter to stream. */
const MAX_IN_MEMORY = 8 * 1024 * 1024;
/** Text files the build writes .br and .gz twins for (and the front computes once if missing). */
export const PRECOMPRESS_MIN_BYTES = 256;

export function contentTypeOf(file: string): string {
  return TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

function* filesOf(dir: string, rel = ''): Generator<string> {
  for (const entry of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    // Dotfiles are not served (the adapter's rule, bar .well-known).
    if (entry.name.startsWith('.') && !(rel === '' && entry.name === '.well-known')) continue;
    const child = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) yield* filesOf(dir, child);
    else if (entry.isFile()) yield child;
  }
}

/** Every file of `clientDir` by URL path, each with its encodings laid out once. */
export function loadStaticAssets(clientDir: string, assetsDir = '_astro'): Map<string, Representations> {
  const assets = new Map<string, Representations>();
  if (!existsSync(clientDir)) return assets;
  const all = new Set(filesOf(clientDir));
  for (const rel of all) {
    // A twin of a file beside it is that file's encoding, not a file of its own.
    if ((rel.endsWith('.br') || rel.endsWith('.gz')) && all.has(rel.slice(0, -3))) continue;
    const file = path.join(clientDir, rel);
    if (statSync(file).size > MAX_IN_MEMORY) continue;
    const body = readFileSync(file);
    const type = contentTypeOf(rel);
    let encoded: { br?: Buffer; gzip?: Buffer } | undefined;
    if (isCompressible(type) && body.length >= PRECOMPRESS_MIN_BYTES) {
      const twin = (ext: string) => (all.has(rel + ext) ? readFileSync(file + ext) : undefined);
      encoded = { br: twin('.br'), gzip: twin('.gz') };
      if (!encoded.br || !encoded.gzip) encoded = compressSync(body);
    }
    const headers: [string, string][] = [
      ['Content-Type', type],
      ['Cache-Control', rel.startsWith(`${assetsDir}/`) ? IMMUTABLE : SHORT],
      ...Object.entries(SECURITY_HEADERS),
    ];
    if (type.startsWith('text/html')) headers.push(['Content-Security-Policy', FALLBACK_POLICY]);
    assets.set(`/${rel}`, representations(200, headers, body, encoded));
  }
  return assets;
}

/** The front's handler for dist/client. */
export function staticAssets(clientDir: string): FrontHandler {
  const assets = loadStaticAssets(clientDir);
  return (req: IncomingMessage, res: ServerResponse, context: FrontContext) => {
    let asset = assets.get(context.pathname);
    if (!asset && context.pathname.includes('%')) {
      try {
        asset = assets.get(decodeURIComponent(context.pathname));
      } catch {
        return false;
      }
    }
    if (!asset) return false;
    sendRepresentation(req, res, asset, context.requestId);
    return true;
  };
}
