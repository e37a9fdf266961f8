import type { RateLimitInfo } from '../../email/transport.server.ts';

/** Requests leave on time but arrive with jitter, and one 429 costs a second: stay a hair under the limit. */
export const SAFETY = 1.03;

/**
 * Paces requests to a steady rate, follows the limit Resend reports when it is lower than the one
 * configured, and waits out the window when Resend says none remain. Shared by every batch of a send.
 */
export class Pacer {
  #next = 0;
  #intervalMs: number;
  #sleep: (ms: number) => Promise<void>;
  #now: () => number;

  constructor(requestsPerSecond: number, sleep: (ms: number) => Promise<void>, now: () => number = Date.now) {
    this.#intervalMs = (SAFETY * 1000) / requestsPerSecond;
    this.#sleep = sleep;
    this.#now = now;
  }

  get intervalMs(): number {
    return this.#intervalMs;
  }

  /** Resolves when the next request may leave. */
  async wait(): Promise<void> {
    const now = this.#now();
    if (this.#next > now) await this.#sleep(this.#next - now);
    this.#next = Math.max(now, this.#next) + this.#intervalMs;
  }

  /**
   * An empty window with a reset beyond the next second means the quota is spent elsewhere too:
   * wait. (A reset of one second or less is just the current window ending, which pacing handles.)
   */
  adapt(info: RateLimitInfo | undefined): void {
    if (info?.limit && SAFETY * (1000 / info.limit) > this.#intervalMs) this.#intervalMs = SAFETY * (1000 / info.limit);
    if (info?.remaining === 0 && info.reset !== undefined && info.reset > 1) this.#next = Math.max(this.#next, this.#now() + info.reset * 1000);
  }

  /** No request leaves for `ms` (a backoff, or what Resend's retry-after asked for). */
  pause(ms: number): void {
    this.#next = Math.max(this.#next, this.#now() + ms);
  }
}
