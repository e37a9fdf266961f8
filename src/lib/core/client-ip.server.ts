import { getEnv } from './env.server.ts';

/**
 * The address rate limits count by. Behind a reverse proxy every request comes from the proxy, so
 * with DRUMBEAT_TRUST_PROXY=on the address the proxy appended to X-Forwarded-For is used instead
 * (the last entry: earlier ones are whatever the client chose to send).
 */
export function clientIp(request: Request, socketAddress: string): string {
  if (getEnv().DRUMBEAT_TRUST_PROXY !== 'on') return socketAddress;
  const forwarded = request.headers.get('x-forwarded-for');
  const last = forwarded?.split(',').at(-1)?.trim();
  return last && /^[0-9a-fA-F:.]{2,45}$/.test(last) ? last : socketAddress;
}
