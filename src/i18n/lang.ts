import { LANGUAGES, type Lang, type SiteConfig } from '../lib/core/site.ts';

export { LANGUAGES, type Lang };

type SiteLanguages = Pick<SiteConfig, 'languages' | 'defaultLanguage'>;

/** Whether a value is one of the languages (by default: any Drumbeat speaks; pass the site's to narrow). */
export function isLang(value: unknown, languages: readonly string[] = LANGUAGES): value is Lang {
  return typeof value === 'string' && languages.includes(value);
}

/**
 * The one fallback rule, applied where a language enters (a URL, a form, a database row, a
 * Stripe session): one of the site's languages, else the site's default language.
 */
export function toLang(value: unknown, site: SiteLanguages): Lang {
  return isLang(value, site.languages) ? value : site.defaultLanguage;
}

/** How each language writes numbers, dates and time zones, beyond its words. */
export const CONVENTIONS: Record<Lang, { locale: string; zoneNameStyle: 'shortGeneric' | 'longGeneric'; lowerCaseZone: boolean; checkoutLocale: string }> = {
  en: { locale: 'en-US', zoneNameStyle: 'shortGeneric', lowerCaseZone: false, checkoutLocale: 'en' },
  it: { locale: 'it-IT', zoneNameStyle: 'longGeneric', lowerCaseZone: true, checkoutLocale: 'it' },
};

export function localeOf(lang: Lang): string {
  return CONVENTIONS[lang].locale;
}
