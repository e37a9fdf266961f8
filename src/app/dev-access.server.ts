import { getEnv } from '../lib/core/env.server.ts';

// Who may open the dev routes (/dev/outbox lists every sign-in link; /dev/clock moves the clock).
// No single setting opens them: see docs/decisions/015-hardening-the-edges.md.

// Headers that a reverse proxy, load balancer or CDN adds. Any of them means the socket's peer is
// a proxy, not the person asking, so its loopback address proves nothing.
const PROXY_HEADERS = [
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-forwarded-server',
  'x-real-ip',
  'x-client-ip',
  'x-cluster-client-ip',
  'true-client-ip',
  'cf-connecting-ip',
  'fastly-client-ip',
  'via',
];

function isLoopbackName(hostname: string): boolean {
  return hostname === 'localhost' || hostname.endsWith('.localhost') || /^127(\.\d{1,3}){3}$/.test(hostname) || hostname === '[::1]';
}

function hostnameOf(hostHeader: string | null): string | undefined {
  if (!hostHeader) return undefined;
  try {
    return new URL(`http://${hostHeader}`).hostname;
  } catch {
    return undefined;
  }
}

/**
 * True only for a request from this machine, straight to this server, on a server that says it is
 * local: not NODE_ENV=production, no proxy declared (DRUMBEAT_TRUST_PROXY) or visible (any
 * forwarding header), a loopback peer, and both SITE_URL and the Host header naming loopback.
 * A proxy on the same host that adds no header still fails the Host check unless it forwards to
 * "localhost" under that very name, and then SITE_URL (the public address emails link to) does.
 */
export function isLocalDevRequest(request: Request, clientAddress: string): boolean {
  const env = getEnv();
  if (env.NODE_ENV === 'production' || env.DRUMBEAT_TRUST_PROXY === 'on') return false;
  if (!/^(127\.|::1$|::ffff:127\.)/.test(clientAddress)) return false;
  if (PROXY_HEADERS.some((name) => request.headers.has(name))) return false;
  if (!isLoopbackName(new URL(env.SITE_URL).hostname)) return false;
  const host = hostnameOf(request.headers.get('host'));
  return host !== undefined && isLoopbackName(host);
}
