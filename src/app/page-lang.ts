import { getSite } from '../lib/core/site.server.ts';
import { isLang, toLang, type Lang } from '../i18n/lang.ts';

/**
 * The language of the page being rendered: Astro's own reading of the route (src/routes/ is
 * mounted once per language, /it/… for Italian), settled by the one fallback rule.
 */
export function pageLang(astro: { currentLocale: string | undefined }): Lang {
  return toLang(astro.currentLocale, getSite());
}

/**
 * The language of an error page, which no localized route chose: the URL's /<lang>/ prefix, else
 * the prefix of the page the reader came from (a form posted to /subscribe from /it/), else the
 * site's default.
 */
export function errorPageLang(url: URL, referer: string | null): Lang {
  const site = getSite();
  const prefixOf = (pathname: string) => /^\/([^/]+)\//.exec(`${pathname}/`)?.[1];
  const fromUrl = prefixOf(url.pathname);
  if (isLang(fromUrl, site.languages)) return fromUrl;
  let fromReferer: string | undefined;
  try {
    if (referer) fromReferer = prefixOf(new URL(referer).pathname);
  } catch {
    // not a URL: no hint
  }
  return toLang(fromReferer, site);
}
