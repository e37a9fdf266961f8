import { describe, expect, it } from 'vitest';
import { MemoryTimeline, Pacer, SAFETY } from './pacer.ts';

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
    await pacer.adapt({ limit: 2, remaining: 1, reset: 1 });
    expect(pacer.intervalMs).toBeCloseTo(500 * SAFETY, 5);
    await pacer.adapt({ limit: 50 });
    expect(pacer.intervalMs).toBeCloseTo(500 * SAFETY, 5);
  });

  it('waits out a spent window, but not the end of the current second', async () => {
    const { pacer, slept } = pacedAt(10);
    await pacer.wait();
    await pacer.adapt({ remaining: 0, reset: 1 });
    await pacer.wait();
    expect(slept.at(-1)).toBeCloseTo(100 * SAFETY, 5);
    await pacer.adapt({ remaining: 0, reset: 5 });
    await pacer.wait();
    expect(slept.at(-1)).toBe(5000);
  });

  it('holds every request during a pause', async () => {
    const { pacer, slept } = pacedAt(10);
    await pacer.wait();
    await pacer.pause(3000);
    await pacer.wait();
    expect(slept.at(-1)).toBe(3000);
  });
});

describe('Pacer on a shared timeline', () => {
  it('interleaves two pacers on one timeline at the combined rate, not twice it', async () => {
    let now = 1_000_000;
    const sent: number[] = [];
    const timeline = new MemoryTimeline();
    const sleepUntil = async (ms: number) => {
      now += ms;
    };
    const a = new Pacer(4, sleepUntil, () => now, timeline);
    const b = new Pacer(4, sleepUntil, () => now, timeline);
    for (let i = 0; i < 4; i++) {
      await a.wait();
      sent.push(now);
      await b.wait();
      sent.push(now);
    }
    const gaps = sent.slice(1).map((t, i) => t - sent[i]!);
    for (const gap of gaps) expect(gap).toBeCloseTo(250 * SAFETY, 5);
  });

  it('takes a new turn when it wakes later than its own', async () => {
    let now = 1_000_000;
    const timeline = new MemoryTimeline();
    const reserved: number[] = [];
    const reserve = timeline.reserve.bind(timeline);
    timeline.reserve = async (at, interval) => {
      const moment = await reserve(at, interval);
      reserved.push(moment);
      return moment;
    };
    // The first sleep (in the second wait) oversleeps by two seconds, as a busy process would.
    let late = 2000;
    const pacer = new Pacer(4, async (ms) => {
      now += ms + late;
      late = 0;
    }, () => now, timeline);
    await pacer.wait();
    await pacer.wait();
    expect(reserved).toHaveLength(3);
    expect(reserved[2]).toBeGreaterThanOrEqual(1_000_000 + 2000);
  });
});
