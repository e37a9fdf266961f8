import { lookup } from 'node:dns/promises';
import type { Server } from 'node:http';
import { isIP } from 'node:net';

/**
 * Counts the requests being answered, so a stop can wait for them (a webhook, a checkout) instead
 * of cutting them. Once the server is closing, every connection that falls idle is closed, so a
 * keep-alive client cannot hold the stop open.
 */
export function trackRequests(server: Server): { inFlight(): number; drained(): Promise<void> } {
  let active = 0;
  let waiters: (() => void)[] = [];
  server.prependListener('request', (_req, res) => {
    active++;
    res.once('close', () => {
      active--;
      if (!server.listening) server.closeIdleConnections();
      if (active === 0) {
        for (const resolve of waiters) resolve();
        waiters = [];
      }
    });
  });
  return {
    inFlight: () => active,
    drained: () => (active === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve))),
  };
}

const LISTEN_PROBLEMS: Record<string, (host: string) => string> = {
  EADDRINUSE: () => 'the port is already in use (EADDRINUSE); stop what listens there or choose another PORT.',
  EACCES: () => 'this user may not open that port (EACCES); choose a PORT above 1023.',
  EADDRNOTAVAIL: (host) => `HOST "${host}" is not an address of this machine (EADDRNOTAVAIL).`,
  ENOTFOUND: (host) => `HOST "${host}" does not resolve to an address (ENOTFOUND).`,
  EAI_AGAIN: (host) => `HOST "${host}" could not be resolved (EAI_AGAIN).`,
};

/** The one line `npm start` prints when it cannot listen. */
export function listenProblem(err: unknown, host: string, port: number): string {
  const code = String((err as NodeJS.ErrnoException)?.code ?? '');
  const words = LISTEN_PROBLEMS[code]?.(host) ?? `${String((err as Error)?.message ?? err).split('\n')[0]}.`;
  return `Cannot listen on ${host}:${port}: ${words}`;
}

export const HOST_LOOKUP_MS = 10_000;

/**
 * A HOST name is resolved before anything starts, within HOST_LOOKUP_MS: listen() waits for the
 * system resolver as long as it takes, and a resolver that never answers (a machine without a
 * reachable name server) left `npm start` silent for minutes instead of failing.
 */
export async function hostProblem(
  host: string,
  port: number,
  { timeoutMs = HOST_LOOKUP_MS, resolve = (name: string) => lookup(name) }: { timeoutMs?: number; resolve?: (name: string) => Promise<unknown> } = {},
): Promise<string | undefined> {
  if (isIP(host) !== 0) return undefined;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((settle) => {
    timer = setTimeout(() => settle('late'), timeoutMs);
  });
  try {
    const answer = await Promise.race([resolve(host).then(() => 'found' as const), late]);
    if (answer === 'late') return `Cannot listen on ${host}:${port}: HOST "${host}" could not be resolved within ${timeoutMs / 1000} s (ETIMEOUT).`;
    return undefined;
  } catch (err) {
    return listenProblem(err, host, port);
  } finally {
    clearTimeout(timer);
  }
}
