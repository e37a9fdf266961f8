import type { RateLimitInfo } from '../../email/transport.server.ts';

/** Requests leave on time but arrive with jitter, and one 429 costs a second: stay a hair under the limit. */
export const SAFETY = 1.02;

/**
 * Later than this past its moment, a request takes a new turn (see Pacer.wait). Ten intervals
 * span 1,000 ms × SAFETY; a request that left LATE_MS late narrows that by as much, and what is
 * left (15 ms at 10 req/s) is the room for arrivals a rate limiter stamps unevenly. A late turn
 * costs its lateness only (decision 041: 1.03 and 15 ms left the same room and cost a second more
 * per 100 s).
 */
export const LATE_MS = 5;

/**
 * When the account's next request may leave. Every request takes the next free moment, and a
 * pause pushes it back for every sender that shares the timeline: one process's sends share the
 * in-memory one; processes on one database share the one kept there (budget.server.ts).
 */
export interface Timeline {
  /** Takes the next moment at or after `now`, the one after it being `intervalMs` later. */
  reserve(now: number, intervalMs: number): Promise<number>;
  /**
   * Moves the turn at `at` (reserved with `intervalMs`) to `now()`, read when the timeline is
   * written, if nobody has taken a moment after it (no reservation, no hold). Returns the new
   * moment, or undefined if the turn after it is taken.
   */
  postpone(at: number, now: () => number, intervalMs: number): Promise<number | undefined>;
  /** Nothing leaves before `until`. */
  holdUntil(until: number): Promise<void>;
}

export class MemoryTimeline implements Timeline {
  #next = 0;

  async reserve(now: number, intervalMs: number): Promise<number> {
    const at = Math.max(now, this.#next);
    this.#next = at + intervalMs;
    return at;
  }

  async postpone(at: number, now: () => number, intervalMs: number): Promise<number | undefined> {
    if (this.#next !== at + intervalMs) return undefined;
    const moment = now();
    this.#next = moment + intervalMs;
    return moment;
  }

  async holdUntil(until: number): Promise<void> {
    this.#next = Math.max(this.#next, until);
  }
}

/**
 * Paces requests to a steady rate, follows the limit Resend reports when it is lower than the one
 * configured, and waits out the window when Resend says none remain. Shared by every batch of a send.
 */
export class Pacer {
  #intervalMs: number;
  #sleep: (ms: number) => Promise<void>;
  #now: () => number;
  #timeline: Timeline;
  #turn: Promise<unknown> = Promise.resolve();

  constructor(requestsPerSecond: number, sleep: (ms: number) => Promise<void>, now: () => number = Date.now, timeline: Timeline = new MemoryTimeline()) {
    this.#intervalMs = (SAFETY * 1000) / requestsPerSecond;
    this.#sleep = sleep;
    this.#now = now;
    this.#timeline = timeline;
  }

  get intervalMs(): number {
    return this.#intervalMs;
  }

  /**
   * Resolves when the next request may leave; the caller sends at once (its body already built).
   * One request of this process at a time takes its turn, after the previous one left, and one
   * that wakes late takes a new turn: no two leave closer than the interval. Resend counts
   * requests per one-second window as they arrive; requests bunched by a late wake-up were what
   * put an eleventh into a window and drew a 429 that stopped the whole send for a second.
   */
  wait(): Promise<void> {
    const turn = this.#turn.then(() => this.#takeTurn());
    this.#turn = turn.catch(() => undefined);
    return turn;
  }

  async #takeTurn(): Promise<void> {
    // Woken late (a process busy writing a batch, or a loaded machine): leaving now would bunch
    // with the turn after ours if someone holds it already (another process on the shared
    // timeline; this process's next request reserves only after this one left). If nobody does,
    // our turn moves to now and the next one is spaced from it: a late wake-up costs its
    // lateness, not a whole turn. If somebody does, the late request takes the next free turn.
    // Either way the new moment is checked like the first (a few times at most, so a starved
    // process still sends).
    const interval = this.#intervalMs;
    let at = await this.#timeline.reserve(this.#now(), interval);
    for (let attempt = 0; ; attempt++) {
      const now = this.#now();
      if (at > now) await this.#sleep(at - now);
      if (attempt >= 3 || this.#now() - at <= LATE_MS) return;
      at = (await this.#timeline.postpone(at, this.#now, interval)) ?? (await this.#timeline.reserve(this.#now(), interval));
    }
  }

  /**
   * An empty window with a reset beyond the next second means the quota is spent elsewhere too:
   * wait. (A reset of one second or less is just the current window ending, which pacing handles.)
   */
  async adapt(info: RateLimitInfo | undefined): Promise<void> {
    if (info?.limit && SAFETY * (1000 / info.limit) > this.#intervalMs) this.#intervalMs = SAFETY * (1000 / info.limit);
    if (info?.remaining === 0 && info.reset !== undefined && info.reset > 1) await this.#timeline.holdUntil(this.#now() + info.reset * 1000);
  }

  /** No request leaves for `ms` (a backoff, or what Resend's retry-after asked for). */
  async pause(ms: number): Promise<void> {
    await this.#timeline.holdUntil(this.#now() + ms);
  }
}
