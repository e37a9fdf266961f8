import { describe, expect, it } from 'vitest';
import { LATE_MS, MemoryTimeline, Pacer, SAFETY } from './pacer.ts';

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

  it('moves a late turn to when it leaves if nobody holds the next: no two leave closer than the interval, and no turn is lost', async () => {
    let now = 1_000_000;
    const left: number[] = [];
    // The second sleep oversleeps by 70 ms, as a busy process would.
    let sleeps = 0;
    const pacer = new Pacer(10, async (ms) => {
      now += ms + (++sleeps === 2 ? 70 : 0);
    }, () => now, new MemoryTimeline());
    for (let i = 0; i < 5; i++) {
      await pacer.wait();
      left.push(now);
    }
    const gaps = left.slice(1).map((t, i) => t - left[i]!);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(100 * SAFETY - 1e-6);
    // The late one cost its 70 ms, not a turn: four sleeps, and the last three spaced from it.
    expect(sleeps).toBe(4);
    expect(gaps).toEqual([100 * SAFETY, 100 * SAFETY + 70, 100 * SAFETY, 100 * SAFETY].map((g) => expect.closeTo(g, 5)));
  });

  it('never lets 11 requests leave within a second, whatever each wake-up oversleeps, with 15 ms to spare', async () => {
    let now = 1_000_000;
    const left: number[] = [];
    // Repeatable lateness from 0 to 60 ms, most of it under LATE_MS as on an idle machine.
    let seed = 7;
    const late = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % 100 < 80 ? seed % (LATE_MS + 1) : seed % 61);
    const pacer = new Pacer(10, async (ms) => {
      now += ms + late();
    }, () => now, new MemoryTimeline());
    for (let i = 0; i < 300; i++) {
      await pacer.wait();
      left.push(now);
    }
    for (let k = 0; k + 10 < left.length; k++) expect(left[k + 10]! - left[k]!, `requests ${k}…${k + 10}`).toBeGreaterThanOrEqual(1000 + 15);
    // And the rate stays close to the limit: lateness costs itself, not whole turns.
    expect((left.at(-1)! - left[0]!) / 299).toBeLessThan(100 * SAFETY + 15);
  });

  it('takes a new turn when it wakes late and another sender holds the next one', async () => {
    const start = 1_000_000;
    let now = start;
    const timeline = new MemoryTimeline();
    const interval = 100 * SAFETY;
    let other: number | undefined;
    let sleeps = 0;
    // While the second request sleeps, another process takes the turn after it; the sleep then
    // runs 50 ms late.
    const pacer = new Pacer(10, async (ms) => {
      if (++sleeps === 1) other = await timeline.reserve(now, interval);
      now += ms + (sleeps === 1 ? 50 : 0);
    }, () => now, timeline);
    await pacer.wait();
    expect(now).toBe(start);
    await pacer.wait();
    expect(other).toBeCloseTo(start + 2 * interval, 5);
    // Not next to the other process's turn: the one after it.
    expect(now).toBeCloseTo(start + 3 * interval, 5);
    expect(sleeps).toBe(2);
  });

  it('hands out one turn at a time to requests that wait together', async () => {
    let now = 1_000_000;
    const left: number[] = [];
    const pacer = new Pacer(10, async (ms) => {
      await new Promise((r) => setTimeout(r, 1));
      now += ms;
    }, () => now, new MemoryTimeline());
    await Promise.all(Array.from({ length: 6 }, () => pacer.wait().then(() => left.push(now))));
    const gaps = left.slice(1).map((t, i) => t - left[i]!);
    expect(gaps).toHaveLength(5);
    for (const gap of gaps) expect(gap).toBeCloseTo(100 * SAFETY, 5);
  });
});
