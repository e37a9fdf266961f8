import { afterEach, describe, expect, it } from 'vitest';
import { resetEnvCache } from './env.server.ts';
import { clientIp } from './client-ip.server.ts';

const request = (xff?: string) => new Request('http://x/', { headers: xff ? { 'x-forwarded-for': xff } : {} });

afterEach(() => {
  delete process.env.DRUMBEAT_TRUST_PROXY;
  resetEnvCache();
});

describe('clientIp', () => {
  it('is the socket address unless the proxy is trusted', () => {
    expect(clientIp(request('1.2.3.4'), '10.0.0.1')).toBe('10.0.0.1');
  });
  it('behind a trusted proxy, is the address the proxy appended, not what the client sent', () => {
    process.env.DRUMBEAT_TRUST_PROXY = 'on';
    resetEnvCache();
    expect(clientIp(request('6.6.6.6, 1.2.3.4'), '10.0.0.1')).toBe('1.2.3.4');
    expect(clientIp(request('2001:db8::1'), '10.0.0.1')).toBe('2001:db8::1');
    expect(clientIp(request('not an address'), '10.0.0.1')).toBe('10.0.0.1');
    expect(clientIp(request(), '10.0.0.1')).toBe('10.0.0.1');
  });
});
