import { getSite } from '../lib/core/site.server.ts';
import { toLang, type Lang } from '../i18n/lang.ts';

/**
 * The language of the page being rendered: Astro's own reading of the route (src/routes/ is
 * mounted once per language, /it/… for Italian), settled by the one fallback rule.
 */
export function pageLang(astro: { currentLocale: string | undefined }): Lang {
  return toLang(astro.currentLocale, getSite());
}
