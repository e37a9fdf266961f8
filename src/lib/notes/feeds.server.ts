import rss from '@astrojs/rss';
import { getEnv } from '../core/env.server.ts';
import { getSite } from '../core/site.server.ts';
import { localeOf, type Lang } from '../../i18n/lang.ts';
import { absoluteUrl, archivePath, homePath, notePath, privacyPath } from '../../i18n/paths.ts';
import { t } from '../../i18n/text.ts';
import { NOTES_PER_PAGE, type NoteCatalog } from './catalog.ts';

const FEED_ITEMS = 50;

export function rssResponse(lang: Lang, catalog: NoteCatalog, at: number): Promise<Response> {
  const siteUrl = getEnv().SITE_URL;
  const site = getSite();
  return rss({
    title: `${site.title} (${t(lang, 'lang.name')})`,
    description: site.tagline[lang] ?? site.title,
    site: absoluteUrl(siteUrl, homePath(lang)),
    items: catalog.visible(lang, at).slice(0, FEED_ITEMS).map((n) => ({
      title: `${t(lang, 'note.label')} №${n.number}: ${n.title}`,
      link: absoluteUrl(siteUrl, notePath(n)),
      pubDate: new Date(n.publishAt),
      description: n.summary,
      categories: n.tags,
    })),
    customData: `<language>${localeOf(lang)}</language>`,
  });
}

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const XML_HEADERS = { 'Content-Type': 'application/xml; charset=utf-8' };

export function sitemapIndexResponse(): Response {
  const loc = absoluteUrl(getEnv().SITE_URL, '/sitemap-0.xml');
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>${xmlEscape(loc)}</loc></sitemap></sitemapindex>\n`;
  return new Response(body, { headers: XML_HEADERS });
}

/** Every public page readers can reach, with its translations as hreflang alternates. */
export function sitemapResponse(catalog: NoteCatalog, at: number): Response {
  const siteUrl = getEnv().SITE_URL;
  const site = getSite();
  const entries: { path: string; alternates: { lang: Lang; path: string }[]; lastmod?: number }[] = [];
  const perLang = (f: (lang: Lang) => string) => site.languages.map((l) => ({ lang: l, path: f(l) }));
  for (const f of [homePath, (l: Lang) => archivePath(l), privacyPath]) {
    const alts = perLang(f);
    for (const a of alts) entries.push({ path: a.path, alternates: alts });
  }
  for (const lang of site.languages) {
    const visible = catalog.visible(lang, at);
    const pages = Math.ceil(visible.length / NOTES_PER_PAGE);
    for (let p = 2; p <= pages; p++) entries.push({ path: archivePath(lang, p), alternates: [] });
    for (const n of visible) {
      const alts = [n, ...catalog.translations(n, at)].map((x) => ({ lang: x.lang, path: notePath(x) }));
      entries.push({ path: notePath(n), alternates: alts.length > 1 ? alts : [], lastmod: n.publishAt });
    }
  }
  const urls = entries.map((e) => {
    const links = e.alternates
      .map((a) => `<xhtml:link rel="alternate" hreflang="${a.lang}" href="${xmlEscape(absoluteUrl(siteUrl, a.path))}"/>`)
      .join('');
    const lastmod = e.lastmod ? `<lastmod>${new Date(e.lastmod).toISOString()}</lastmod>` : '';
    return `<url><loc>${xmlEscape(absoluteUrl(siteUrl, e.path))}</loc>${lastmod}${links}</url>`;
  });
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">\n${urls.join('\n')}\n</urlset>\n`;
  return new Response(body, { headers: XML_HEADERS });
}
