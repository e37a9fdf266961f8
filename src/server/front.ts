import type { IncomingMessage, Server, ServerResponse } from 'node:http';

// The serving front (docs/decisions/028): what needs no rendering is answered here, before the
// adapter turns the request into a fetch Request and runs Astro's pipeline. Each handler decides
// for itself from what it holds (the page cache, the files of dist/client, media): there is no
// list of URLs here. What no handler takes goes to Astro unchanged.

export interface FrontContext {
  /** the path of the URL, as sent (not decoded), without the query */
  pathname: string;
  /** the id this request's answer names (X-Request-Id): the proxy's, or a fresh one */
  requestId: string;
}

/** true: answered (or answering); false: not mine, try the next one. */
export type FrontHandler = (req: IncomingMessage, res: ServerResponse, context: FrontContext) => boolean | Promise<boolean>;

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

export interface FrontOptions {
  requestIdFrom: (header: string | undefined) => string;
  onError: (err: unknown, req: IncomingMessage) => void;
}

/** The path of a request target, without query or fragment; '' for anything else ('*', absolute URLs). */
export function pathOf(url: string | undefined): string {
  if (!url || url.charCodeAt(0) !== 47 /* / */) return '';
  const q = url.indexOf('?');
  const h = url.indexOf('#');
  const end = q < 0 ? (h < 0 ? url.length : h) : h < 0 ? q : Math.min(q, h);
  return url.slice(0, end);
}

/**
 * Puts the handlers in front of the request listeners the server has (the adapter's), the way
 * guardMethods does. Only GET and HEAD reach them: a front answers reads, Astro answers the rest.
 * A handler that throws before answering hands the request on; the error is reported.
 */
export function installFront(server: Server, handlers: FrontHandler[], options: FrontOptions): void {
  const listeners = server.listeners('request') as Listener[];
  server.removeAllListeners('request');
  const fallThrough = (req: IncomingMessage, res: ServerResponse) => {
    for (const listener of listeners) listener.call(server, req, res);
  };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const method = req.method;
    const pathname = method === 'GET' || method === 'HEAD' ? pathOf(req.url) : '';
    if (!pathname || handlers.length === 0) return fallThrough(req, res);
    const idHeader = req.headers['x-request-id'];
    const context: FrontContext = { pathname, requestId: options.requestIdFrom(Array.isArray(idHeader) ? idHeader[0] : idHeader) };
    dispatch(handlers, 0, req, res, context, fallThrough, options.onError);
  });
}

function dispatch(handlers: FrontHandler[], from: number, req: IncomingMessage, res: ServerResponse, context: FrontContext, fallThrough: Listener, onError: FrontOptions['onError']): void {
  for (let i = from; i < handlers.length; i++) {
    let answer: boolean | Promise<boolean>;
    try {
      answer = handlers[i]!(req, res, context);
    } catch (err) {
      if (!recover(err, req, res, onError)) return;
      continue;
    }
    if (answer === true) return;
    if (answer === false) continue;
    // Asynchronous: resume with the next handler once this one has said no.
    answer.then(
      (taken) => {
        if (!taken) dispatch(handlers, i + 1, req, res, context, fallThrough, onError);
      },
      (err) => {
        if (recover(err, req, res, onError)) dispatch(handlers, i + 1, req, res, context, fallThrough, onError);
      },
    );
    return;
  }
  fallThrough(req, res);
}

/** true when nothing was sent yet, so the request can still go on to the next handler. */
function recover(err: unknown, req: IncomingMessage, res: ServerResponse, onError: FrontOptions['onError']): boolean {
  onError(err, req);
  if (!res.headersSent) return true;
  res.destroy();
  return false;
}
