import { describe, expect, it } from 'vitest';
import { hostProblem } from './drain.ts';

describe('hostProblem', () => {
  it('an address needs no lookup', async () => {
    const never = () => new Promise(() => undefined);
    expect(await hostProblem('127.0.0.1', 4321, { resolve: never, timeoutMs: 1 })).toBeUndefined();
    expect(await hostProblem('::', 4321, { resolve: never, timeoutMs: 1 })).toBeUndefined();
  });

  it('a resolver that never answers ends in one line, not a silent wait', async () => {
    const problem = await hostProblem('slow.example', 4321, { resolve: () => new Promise(() => undefined), timeoutMs: 20 });
    expect(problem).toBe('Cannot listen on slow.example:4321: HOST "slow.example" could not be resolved within 0.02 s (ETIMEOUT).');
  });

  it('a name that does not exist says so', async () => {
    const missing = () => Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND nope.invalid'), { code: 'ENOTFOUND' }));
    expect(await hostProblem('nope.invalid', 4321, { resolve: missing })).toBe('Cannot listen on nope.invalid:4321: HOST "nope.invalid" does not resolve to an address (ENOTFOUND).');
  });

  it('a name that resolves passes', async () => {
    expect(await hostProblem('localhost', 4321)).toBeUndefined();
  });
});
