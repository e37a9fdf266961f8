// How a send went, as rates next to the limits mail providers hold senders to. Pure.

export type Level = 'ok' | 'warn' | 'bad';

export interface Threshold {
  /** below this the rate is healthy */
  target: number;
  /** at or above this providers throttle or block the sender */
  limit: number;
}

/**
 * Gmail's and Yahoo's bulk-sender rules: spam complaints under 0.1 %, never 0.3 %. Resend asks
 * for bounces under 4 %; half of that is where a list starts needing cleaning. Unsubscribes and
 * transport failures have no provider limit: the targets are what a healthy weekly list shows, and
 * they warn rather than alarm (docs/decisions/018).
 */
export const THRESHOLDS = {
  complained: { target: 0.001, limit: 0.003 },
  bounced: { target: 0.02, limit: 0.04 },
  unsubscribed: { target: 0.005, limit: Number.POSITIVE_INFINITY },
  failed: { target: 0.001, limit: 0.05 },
} as const satisfies Record<string, Threshold>;

export type RateName = keyof typeof THRESHOLDS;

export interface Rate {
  name: RateName;
  count: number;
  /** count / base; undefined while nothing went out */
  rate: number | undefined;
  level: Level;
  threshold: Threshold;
}

export function levelOf(rate: number | undefined, threshold: Threshold): Level {
  if (rate === undefined || rate < threshold.target) return 'ok';
  return rate >= threshold.limit ? 'bad' : 'warn';
}

export function rateOf(name: RateName, count: number, base: number): Rate {
  const rate = base > 0 ? count / base : undefined;
  const threshold = THRESHOLDS[name];
  return { name, count, rate, level: levelOf(rate, threshold), threshold };
}

export interface SendCounts {
  recipients: number;
  sent: number;
  failed: number;
  bounced: number;
  complained: number;
  unsubscribed: number;
}

/**
 * The rates of one send. Bounces, complaints and unsubscribes are shares of what was sent (a
 * recipient not yet mailed cannot complain); failures are a share of the recipients.
 */
export function sendRates(c: SendCounts): { rates: Rate[]; level: Level } {
  const rates = [rateOf('bounced', c.bounced, c.sent), rateOf('complained', c.complained, c.sent), rateOf('unsubscribed', c.unsubscribed, c.sent), rateOf('failed', c.failed, c.recipients)];
  return { rates, level: worst(rates.map((r) => r.level)) };
}

export function worst(levels: Level[]): Level {
  return levels.includes('bad') ? 'bad' : levels.includes('warn') ? 'warn' : 'ok';
}
