import { minorUnitFactor } from '../lib/core/money.ts';
import { wallTimeIn } from '../lib/core/time.ts';
import { CONVENTIONS, localeOf, type Lang } from './lang.ts';
import { t } from './text.ts';

// Money, dates, moments and deadline sentences as a reader's language writes them: the one place.

const formatters = new Map<string, Intl.DateTimeFormat>();
function dateFormatter(lang: Lang, timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  // Building an Intl.DateTimeFormat costs far more than using one.
  const key = `${lang}|${timeZone}|${JSON.stringify(options)}`;
  let f = formatters.get(key);
  if (!f) formatters.set(key, (f = new Intl.DateTimeFormat(localeOf(lang), { ...options, timeZone })));
  return f;
}

/** "November 23, 2026" / "23 novembre 2026" */
export function formatDate(lang: Lang, at: number | Date, timeZone: string): string {
  return dateFormatter(lang, timeZone, { year: 'numeric', month: 'long', day: 'numeric' }).format(at);
}

const isoFormatters = new Map<string, Intl.DateTimeFormat>();

/** Machine-readable calendar day in the zone (YYYY-MM-DD), for <time datetime>. */
export function isoDay(at: number | Date, timeZone: string): string {
  // en-CA formats dates as YYYY-MM-DD.
  let f = isoFormatters.get(timeZone);
  if (!f) isoFormatters.set(timeZone, (f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })));
  return f.format(at);
}

export function formatNumber(lang: Lang, n: number): string {
  return new Intl.NumberFormat(localeOf(lang)).format(n);
}

/** An amount in the currency's minor unit (9700 EUR cents) as the reader's language writes it: €97.00. */
export function formatPrice(lang: Lang, amount: number, currency: string): string {
  return new Intl.NumberFormat(localeOf(lang), { style: 'currency', currency }).format(amount / minorUnitFactor(currency));
}

/** 348 -> "5:48" (reading time in minutes and seconds) */
export function formatReadingTime(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** A position in a recording: "1:05" / "1:02:03" */
export function formatTimestamp(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** "6 p.m." / "6:30 p.m." / "noon" in English; "18:00" in Italian. */
export function clockTime(lang: Lang, at: number, timeZone: string): string {
  const w = wallTimeIn(at, timeZone);
  return t(lang, 'time.clock', { hour: w.hour, minute: w.minute });
}

/** "Friday, March 26" (with the year when it is not the current one) / "venerdì 26 marzo". */
export function calendarDay(lang: Lang, at: number, timeZone: string, now: number): string {
  const sameYear = wallTimeIn(at, timeZone).year === wallTimeIn(now, timeZone).year;
  return dateFormatter(lang, timeZone, { weekday: 'long', month: 'long', day: 'numeric', ...(sameYear ? {} : { year: 'numeric' }) }).format(at);
}

/** "Italy Time" / "ora dell’Europa centrale": which clock the deadline is on. */
export function zoneName(lang: Lang, at: number, timeZone: string): string {
  const { zoneNameStyle, lowerCaseZone } = CONVENTIONS[lang];
  const part = dateFormatter(lang, timeZone, { timeZoneName: zoneNameStyle, hour: 'numeric' })
    .formatToParts(at)
    .find((p) => p.type === 'timeZoneName')?.value;
  if (!part) return timeZone;
  return lowerCaseZone ? part.charAt(0).toLowerCase() + part.slice(1) : part;
}

const labels = new Map<string, string>();

/** "6 p.m. on Friday, March 26, 2027 (Italy Time)" / "venerdì 26 marzo 2027 alle 18:00 (ora dell’Europa centrale)" */
export function deadlineLabel(lang: Lang, at: number, timeZone: string, now: number): string {
  // Library pages show the same few deadlines over and over; Intl formatting is the slow part.
  // The label depends on now only through "is it the same year": every zone's offset is a multiple
  // of 15 minutes, so within one quarter hour that answer cannot change.
  const key = `${lang}|${at}|${timeZone}|${Math.floor(now / 900_000)}`;
  const known = labels.get(key);
  if (known !== undefined) return known;
  if (labels.size > 5_000) labels.clear();
  const label = t(lang, 'deadline.moment', { time: clockTime(lang, at, timeZone), day: calendarDay(lang, at, timeZone, now), zone: zoneName(lang, at, timeZone) });
  labels.set(key, label);
  return label;
}

/**
 * The promise on a sales page: "You have until 6 p.m. on Friday, March 26 to access the
 * recording." / "Hai tempo fino alle 18:00 di venerdì 26 marzo per accedere alla registrazione."
 */
export function deadlineSentence(lang: Lang, kind: 'workshop' | 'certification', at: number, timeZone: string, now: number): string {
  return t(lang, kind === 'workshop' ? 'deadline.workshop' : 'deadline.certification', { time: clockTime(lang, at, timeZone), day: calendarDay(lang, at, timeZone, now) });
}

/** A share as the language writes it, to a tenth of a per mille where that matters: "0.4%" / "0,4%". */
export function formatPercent(lang: Lang, share: number): string {
  const digits = share !== 0 && Math.abs(share) < 0.01 ? 2 : 1;
  return new Intl.NumberFormat(localeOf(lang), { style: 'percent', maximumFractionDigits: digits }).format(share);
}

/** "Jun 9" / "9 giu": a day on a chart's axis. */
export function shortDate(lang: Lang, at: number, timeZone: string): string {
  return dateFormatter(lang, timeZone, { month: 'short', day: 'numeric' }).format(at);
}
