import type { Cohort, Product } from './product.ts';

// When a product can be bought, and until when a purchase grants access.
// Pure: the caller passes the time (from the one clock) and the seat counts (from the database).

export const UNAVAILABLE_REASONS = ['not_open', 'closed', 'deadline_passed', 'sold_out', 'unknown_cohort'] as const;
export type UnavailableReason = (typeof UNAVAILABLE_REASONS)[number];

export type Availability =
  | { ok: true; cohort?: Cohort; accessUntil: number | null; seatsLeft?: number }
  | { ok: false; reason: UnavailableReason; cohort?: Cohort };

/** Access ends here for a purchase made at `purchasedAt` (null: it never ends). */
export function accessUntilFor(product: Product, cohort: Cohort | undefined, purchasedAt: number): number | null {
  if (cohort) return cohort.accessUntil.at;
  if (!product.access) return null;
  return 'until' in product.access ? product.access.until.at : purchasedAt + product.access.days * 86_400_000;
}

function cohortOpen(cohort: Cohort, now: number): boolean {
  return now < (cohort.salesClose ?? cohort.starts).at;
}

/**
 * Whether the product can be bought now. `seatsTaken` counts paid purchases and live
 * reservations per cohort id. Without `cohortId` a certification offers its first open cohort
 * with a seat left.
 */
export function availability(product: Product, now: number, seatsTaken: ReadonlyMap<string, number> = new Map(), cohortId?: string): Availability {
  if (product.sales.opens && now < product.sales.opens.at) return { ok: false, reason: 'not_open' };
  if (product.sales.closes && now >= product.sales.closes.at) return { ok: false, reason: 'closed' };
  if (product.kind === 'certification') {
    const candidates = cohortId === undefined ? product.cohorts : product.cohorts.filter((c) => c.id === cohortId);
    if (candidates.length === 0) return { ok: false, reason: 'unknown_cohort' };
    const open = candidates.filter((c) => cohortOpen(c, now) && now < c.accessUntil.at);
    if (open.length === 0) return { ok: false, reason: 'closed', cohort: candidates.length === 1 ? candidates[0] : undefined };
    const withSeat = open.find((c) => (seatsTaken.get(c.id) ?? 0) < c.seats);
    if (!withSeat) return { ok: false, reason: 'sold_out', cohort: open.length === 1 ? open[0] : undefined };
    return { ok: true, cohort: withSeat, accessUntil: withSeat.accessUntil.at, seatsLeft: withSeat.seats - (seatsTaken.get(withSeat.id) ?? 0) };
  }
  const accessUntil = accessUntilFor(product, undefined, now);
  if (accessUntil !== null && accessUntil <= now) return { ok: false, reason: 'deadline_passed' };
  return { ok: true, accessUntil };
}

export interface AccessRecord {
  status: string;
  accessUntil: number | null;
}

/** The one rule: access exists only while the purchase is paid (or granted) and now < access-until. */
export function hasAccess(record: AccessRecord | undefined, now: number): boolean {
  if (!record) return false;
  if (record.status !== 'paid' && record.status !== 'granted') return false;
  return record.accessUntil === null || now < record.accessUntil;
}
