import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream';
import type { FrontHandler } from './front.ts';

/** What the front needs from the built server's module graph (dist/server/runtime.mjs). */
export type MediaRuntime = Pick<typeof import('./runtime.ts'), 'answerMedia' | 'sessionCookieValue' | 'getEnv' | 'endpointSecurityHeaders' | 'serverHeaders' | 'log'>;


const PREFIX = '/media/';

/** "<product>/<file>" of /media/<product>/<file>[?query], decoded; undefined for anything else. */
function mediaTarget(url: string): { productId: string; file: string } | undefined {
  if (!url.startsWith(PREFIX)) return undefined;
  const q = url.indexOf('?');
  const rest = url.slice(PREFIX.length, q === -1 ? undefined : q);
  const slash = rest.indexOf('/');
  if (slash <= 0 || slash === rest.length - 1 || rest.indexOf('/', slash + 1) !== -1) return undefined;
  try {
    return { productId: decodeURIComponent(rest.slice(0, slash)), file: decodeURIComponent(rest.slice(slash + 1)) };
  } catch {
    return undefined;
  }
}

/** Up to this many bytes are read in one positioned read and sent whole; longer answers stream. */
const ONE_READ = 1 << 20;
const IDLE_CLOSE_MS = 30_000;

/**
 * Media files kept open while they are asked for: a player seeking through a recording asks for
 * range after range, and an open, a read and a close per request was three trips to the thread
 * pool where one does. Keyed by the file's version (its ETag), so a replaced file is opened anew;
 * a FileHandle's close waits for reads still under way.
 */
class OpenFiles {
  #open = new Map<string, { version: string; handle: Promise<FileHandle>; usedAt: number }>();
  #sweeper: NodeJS.Timeout | undefined;

  handle(file: string, version: string): Promise<FileHandle> {
    const now = performance.now();
    const hit = this.#open.get(file);
    if (hit && hit.version === version) {
      hit.usedAt = now;
      return hit.handle;
    }
    if (hit) this.forget(file);
    const handle = open(file, 'r');
    handle.catch(() => this.#open.delete(file));
    this.#open.set(file, { version, handle, usedAt: now });
    this.#sweeper ??= setInterval(() => this.#sweep(), IDLE_CLOSE_MS).unref();
    return handle;
  }

  forget(file: string): void {
    const hit = this.#open.get(file);
    if (!hit) return;
    this.#open.delete(file);
    hit.handle.then((h) => h.close()).catch(() => undefined);
  }

  #sweep(): void {
    const idle = performance.now() - IDLE_CLOSE_MS;
    for (const [file, hit] of this.#open) if (hit.usedAt < idle) this.forget(file);
  }
}

/** The bytes start…end of a file, or undefined when they are not all there (the file changed). */
async function readRange(files: OpenFiles, file: string, version: string, start: number, end: number): Promise<Buffer | undefined> {
  const length = end - start + 1;
  const buffer = Buffer.allocUnsafe(length);
  try {
    const { bytesRead } = await (await files.handle(file, version)).read(buffer, 0, length, start);
    if (bytesRead === length) return buffer;
  } catch {
    // gone or unreadable: looked at afresh below
  }
  files.forget(file);
  return undefined;
}

/**
 * GET and HEAD of /media/<product>/<file>, answered before Astro's pipeline (about 0.8 ms a
 * request): the same decision as the Astro route (answerMedia: the access check on every request,
 * then Range), the bytes streamed from the file onto the socket. Whatever else, or a failure
 * before anything was written, goes on to Astro, which answers (or logs) it as it always did.
 */
export function mediaFront(runtime: MediaRuntime): FrontHandler {
  let security: Record<string, string> | undefined;
  const files = new OpenFiles();
  return async (req, res, { requestId }) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const target = mediaTarget(req.url ?? '');
    if (!target) return false;
    let answer;
    try {
      answer = await runtime.answerMedia({
        method: req.method,
        ...target,
        sessionToken: runtime.sessionCookieValue(req.headers.cookie),
        header: (name) => req.headers[name] as string | undefined,
      });
    } catch {
      return false;
    }
    security ??= runtime.endpointSecurityHeaders(runtime.serverHeaders(runtime.getEnv()));
    const headers = { ...security, ...answer.headers, 'X-Request-Id': requestId };
    if (!answer.stream) {
      res.writeHead(answer.status, headers);
      res.end(req.method === 'HEAD' ? undefined : answer.text);
      return true;
    }
    const { file, start, end } = answer.stream;
    if (end - start + 1 <= ONE_READ) {
      // Read before the headers go out: a file that changed under us goes to Astro, which streams it.
      const bytes = await readRange(files, file, answer.headers.ETag ?? '', start, end);
      if (!bytes) return false;
      res.writeHead(answer.status, headers);
      res.end(bytes);
      return true;
    }
    res.writeHead(answer.status, headers);
    pipeline(createReadStream(file, { start, end }), res, (err) => {
      // A player that seeks closes the connection mid-range; only a read failure is news.
      if (err && (err as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') runtime.log.error('media.stream', { requestId, message: String(err.message).split('\n')[0] });
    });
    return true;
  };
}
