import { describe, expect, it } from 'vitest';
import { Pacer, SAFETY } from './pacer.ts';

/** A pacer on a clock the test moves: sleeping advances it. */
function pacedAt(rps: number) {
  let now = 1_000_000;
  const slept: number[] = [];
  const pacer = new Pacer(rps, async (ms) => {
    slept.push(ms);
    now += ms;
  }, () => now);
  return { pacer, slept, now: () => now };
}

describe('Pacer', () => {
  it('spaces requests by the configured rate, a hair under it', async () => {
    const { pacer, now } = pacedAt(10);
    const start = now();
    for (let i = 0; i < 11; i++) await pacer.wait();
    expect(now() - start).toBeCloseTo(10 * 100 * SAFETY, 5);
  });

  it('slows down to the limit Resend reports when it is lower', async () => {
    const { pacer } = pacedAt(10);
    pacer.adapt({ limit: 2, remaining: 1, reset: 1 });
    expect(pacer.intervalMs).toBeCloseTo(500 * SAFETY, 5);
    pacer.adapt({ limit: 50 });
    expect(pacer.intervalMs).toBeCloseTo(500 * SAFETY, 5);
  });

  it('waits out a spent window, but not the end of the current second', async () => {
    const { pacer, slept } = pacedAt(10);
    await pacer.wait();
    pacer.adapt({ remaining: 0, reset: 1 });
    await pacer.wait();
    expect(slept.at(-1)).toBeCloseTo(100 * SAFETY, 5);
    pacer.adapt({ remaining: 0, reset: 5 });
    await pacer.wait();
    expect(slept.at(-1)).toBe(5000);
  });

  it('holds every request during a pause', async () => {
    const { pacer, slept } = pacedAt(10);
    await pacer.wait();
    pacer.pause(3000);
    await pacer.wait();
    expect(slept.at(-1)).toBe(3000);
  });
});
