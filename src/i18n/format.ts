// Dates and numbers in the reader's language. Each language names its locale once.
const LOCALES: Record<string, string> = { en: 'en-US', it: 'it-IT' };

export function localeOf(lang: string): string {
  return LOCALES[lang] ?? 'en-US';
}

const cache = new Map<string, Intl.DateTimeFormat>();
function formatter(lang: string, timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${lang}|${timeZone}|${JSON.stringify(options)}`;
  let f = cache.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(localeOf(lang), { ...options, timeZone });
    cache.set(key, f);
  }
  return f;
}

/** "November 23, 2026" / "23 novembre 2026" */
export function formatDate(lang: string, at: number | Date, timeZone: string): string {
  return formatter(lang, timeZone, { year: 'numeric', month: 'long', day: 'numeric' }).format(at);
}

const isoFormatters = new Map<string, Intl.DateTimeFormat>();

/** Machine-readable calendar day in the zone (YYYY-MM-DD), for <time datetime>. */
export function isoDay(at: number | Date, timeZone: string): string {
  // en-CA formats dates as YYYY-MM-DD; building a DateTimeFormat is costly, so keep one per zone.
  let f = isoFormatters.get(timeZone);
  if (!f) isoFormatters.set(timeZone, (f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })));
  return f.format(at);
}

export function formatNumber(lang: string, n: number): string {
  return new Intl.NumberFormat(localeOf(lang)).format(n);
}
