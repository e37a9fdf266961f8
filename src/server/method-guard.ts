import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { checkMethod, METHOD_NOT_ALLOWED, methodResponseHeaders } from '../app/methods.ts';

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Answers methods the site does not take before the adapter sees them: TRACE cannot even become
 * a fetch Request (undici refuses it), which the adapter turned into a 500 and a logged stack
 * trace per request. The rule is the middleware's (src/app/methods.ts); only its place differs.
 */
export function guardMethods(server: Server, languages: readonly string[]): void {
  const listeners = server.listeners('request') as Listener[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    let pathname = '/';
    try {
      pathname = req.url === '*' ? '*' : new URL(req.url ?? '/', 'http://x').pathname;
    } catch {
      // the adapter answers a malformed URL with 400
    }
    const verdict = checkMethod(req.method ?? 'GET', pathname, languages);
    if (!verdict) {
      for (const listener of listeners) listener.call(server, req, res);
      return;
    }
    res.writeHead(verdict.status, { ...methodResponseHeaders(verdict), 'X-Content-Type-Options': 'nosniff' });
    res.end(verdict.status === 405 ? METHOD_NOT_ALLOWED : undefined);
  });
}
