import { localeOf } from '../../i18n/format.ts';
import { wallTimeIn } from '../time-zone.ts';
import { minorUnitFactor, type Cohort, type Product } from '../payments/product.ts';

// When a product can be bought, until when a purchase grants access, and how a deadline reads.
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

// ---- how deadlines read -----------------------------------------------------------------------

const formatters = new Map<string, Intl.DateTimeFormat>();
function fmt(lang: string, timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${lang}|${timeZone}|${JSON.stringify(options)}`;
  let f = formatters.get(key);
  if (!f) formatters.set(key, (f = new Intl.DateTimeFormat(localeOf(lang), { ...options, timeZone })));
  return f;
}

/** "6 p.m." / "6:30 p.m." / "noon" in English; "18:00" in Italian. */
export function clockTime(lang: string, at: number, timeZone: string): string {
  const w = wallTimeIn(at, timeZone);
  if (lang !== 'en') return `${String(w.hour).padStart(2, '0')}:${String(w.minute).padStart(2, '0')}`;
  if (w.minute === 0 && w.hour === 12) return 'noon';
  if (w.minute === 0 && w.hour === 0) return 'midnight';
  const hour12 = w.hour % 12 === 0 ? 12 : w.hour % 12;
  const suffix = w.hour < 12 ? 'a.m.' : 'p.m.';
  return w.minute === 0 ? `${hour12} ${suffix}` : `${hour12}:${String(w.minute).padStart(2, '0')} ${suffix}`;
}

/** "Friday, March 26" (with the year when it is not the current one) / "venerdì 26 marzo". */
export function calendarDay(lang: string, at: number, timeZone: string, now: number): string {
  const sameYear = wallTimeIn(at, timeZone).year === wallTimeIn(now, timeZone).year;
  return fmt(lang, timeZone, { weekday: 'long', month: 'long', day: 'numeric', ...(sameYear ? {} : { year: 'numeric' }) }).format(at);
}

/** "Italy Time" / "ora dell’Europa centrale": which clock the deadline is on. */
export function zoneName(lang: string, at: number, timeZone: string): string {
  const part = fmt(lang, timeZone, { timeZoneName: lang === 'en' ? 'shortGeneric' : 'longGeneric', hour: 'numeric' })
    .formatToParts(at)
    .find((p) => p.type === 'timeZoneName')?.value;
  if (!part) return timeZone;
  return lang === 'en' ? part : part.charAt(0).toLowerCase() + part.slice(1);
}

/** "6 p.m. on Friday, March 26, 2027 (Italy Time)" / "venerdì 26 marzo 2027 alle 18:00 (ora dell’Europa centrale)" */
const labels = new Map<string, string>();

export function deadlineLabel(lang: string, at: number, timeZone: string, now: number): string {
  // Library pages show the same few deadlines over and over; Intl formatting is the slow part.
  // The label depends on now only through "is it the same year": every zone's offset is a multiple
  // of 15 minutes, so within one quarter hour that answer cannot change.
  const key = `${lang}|${at}|${timeZone}|${Math.floor(now / 900_000)}`;
  const known = labels.get(key);
  if (known !== undefined) return known;
  if (labels.size > 5_000) labels.clear();
  const label = formatDeadlineLabel(lang, at, timeZone, now);
  labels.set(key, label);
  return label;
}

function formatDeadlineLabel(lang: string, at: number, timeZone: string, now: number): string {
  const day = calendarDay(lang, at, timeZone, now);
  const time = clockTime(lang, at, timeZone);
  const zone = zoneName(lang, at, timeZone);
  return lang === 'en' ? `${time} on ${day} (${zone})` : `${day} alle ${time} (${zone})`;
}

/**
 * The sentence on the sales page: "You have until 6 p.m. on Friday, March 26 to access the
 * recording." / "Hai tempo fino alle 18:00 di venerdì 26 marzo per accedere alla registrazione."
 */
export function deadlineSentence(lang: string, kind: Product['kind'], at: number, timeZone: string, now: number): string {
  const day = calendarDay(lang, at, timeZone, now);
  const time = clockTime(lang, at, timeZone);
  if (lang === 'it') {
    const what = kind === 'workshop' ? 'accedere alla registrazione' : 'accedere ai materiali del corso';
    return `Hai tempo fino alle ${time} di ${day} per ${what}.`;
  }
  const what = kind === 'workshop' ? 'access the recording' : 'access the course materials';
  return `You have until ${time} on ${day} to ${what}.`;
}

/** An amount in the currency's minor unit (9700 EUR cents) as the reader's language writes it: €97.00. */
export function formatPrice(lang: string, amount: number, currency: string): string {
  return new Intl.NumberFormat(localeOf(lang), { style: 'currency', currency }).format(amount / minorUnitFactor(currency));
}
