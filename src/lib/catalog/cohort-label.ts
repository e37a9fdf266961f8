import { deadlineLabel } from '../../i18n/format.ts';
import type { Lang } from '../../i18n/lang.ts';
import { t } from '../../i18n/text.ts';
import { cohortOf, cohortTitle, type Product } from './product.ts';

/** "Spring 2027 cohort, starting at 9 a.m. on Monday, March 1, 2027 (Italy Time)": a purchase's cohort in its emails; undefined without one. */
export function cohortEmailLabel(product: Product, cohortId: string | null | undefined, lang: Lang, defaultLang: string, now: number): string | undefined {
  const cohort = cohortOf(product, cohortId);
  if (!cohort) return undefined;
  return t(lang, 'email.cohortValue', { cohort: cohortTitle(cohort, lang, defaultLang), date: deadlineLabel(lang, cohort.starts.at, product.timeZone, now) });
}
