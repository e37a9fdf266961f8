import rss from '@astrojs/rss';
import { salesPath } from '../catalog/paths.ts';
import { getProducts } from '../catalog/products.server.ts';
import { getEnv } from '../core/env.server.ts';
import { getSite } from '../core/site.server.ts';
import { localeOf, type Lang } from '../../i18n/lang.ts';
import { aboutPath, absoluteUrl, archivePath, directoryPath, homePath, localizedPath, notePath, privacyPath, rssPath, shopPath, topicPath, topicsPath } from '../../i18n/paths.ts';
import { t } from '../../i18n/text.ts';
import type { NoteCatalog } from './catalog.ts';
import { archiveAlternates } from './pages.server.ts';
import { topicsOf } from './topics.ts';
import { topicAlternates } from './topics.server.ts';

const FEED_ITEMS = 50;

export function rssResponse(lang: Lang, catalog: NoteCatalog, at: number): Promise<Response> {
  const siteUrl = getEnv().SITE_URL;
  const site = getSite();
  const notes = catalog.visible(lang, at).slice(0, FEED_ITEMS);
  // The feed changes when a Note becomes visible, so its newest Note dates the build: the same
  // answer on every request until then, which readers and caches can trust.
  const lastBuild = notes[0] ? `<lastBuildDate>${new Date(notes[0].publishAt).toUTCString()}</lastBuildDate>` : '';
  const self = `<atom:link href="${xmlEscape(absoluteUrl(siteUrl, rssPath(lang)))}" rel="self" type="application/rss+xml"/>`;
  return rss({
    title: `${site.title} (${t(lang, 'lang.name')})`,
    description: site.tagline[lang] ?? site.title,
    site: absoluteUrl(siteUrl, homePath(lang)),
    xmlns: { atom: 'http://www.w3.org/2005/Atom' },
    items: notes.map((n) => ({
      title: `${t(lang, 'note.label')} №${n.number}: ${n.title}`,
      link: absoluteUrl(siteUrl, notePath(n)),
      pubDate: new Date(n.publishAt),
      description: n.summary,
      categories: n.tags,
    })),
    customData: `<language>${localeOf(lang)}</language>${lastBuild}${self}`,
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
  // The shop and every sales page (open or not: the page exists and says so) in each language.
  const products = [...getProducts().values()];
  // The coaches' directory exists (empty or not) wherever a certification is sold.
  const directory = products.some((p) => p.kind === 'certification') ? [directoryPath] : [];
  for (const f of [homePath, (l: Lang) => archivePath(l), topicsPath, shopPath, ...products.map((p) => (l: Lang) => salesPath(p, l)), ...directory, aboutPath, privacyPath]) {
    const alts = perLang(f);
    for (const a of alts) entries.push({ path: a.path, alternates: alts.length > 1 ? alts : [] });
  }
  for (const lang of site.languages) {
    const visible = catalog.visible(lang, at);
    for (let p = 2; p <= catalog.archivePages(lang, at); p++) {
      const others = archiveAlternates(catalog, site.languages, lang, p, at);
      entries.push({ path: archivePath(lang, p), alternates: others.length > 0 ? [{ lang, path: archivePath(lang, p) }, ...others] : [] });
    }
    // A topic's other languages are those its translated Notes agree on (035).
    for (const topic of topicsOf(visible, lang)) {
      const others = topicAlternates(catalog, at, lang, topic.slug);
      const alternates = others.length > 0 ? [{ lang, path: topicPath(lang, topic.slug) }, ...others] : [];
      entries.push({ path: topicPath(lang, topic.slug), alternates, lastmod: Math.max(...topic.notes.map((n) => n.publishAt)) });
    }
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

/**
 * /robots.txt: crawl everything public, not the buyer's or the author's pages (they answer a
 * sign-in anyway), and find every page through the sitemap, named by its absolute URL.
 */
export function robotsResponse(): Response {
  const site = getSite();
  const privatePaths = [
    '/dev/',
    '/admin/',
    '/media/',
    ...site.languages.flatMap((l) => ['/library/', '/login/', '/checkout/'].map((p) => localizedPath(l, p))),
  ];
  const body = [
    'User-agent: *',
    ...[...new Set(privatePaths)].map((p) => `Disallow: ${p}`),
    '',
    `Sitemap: ${absoluteUrl(getEnv().SITE_URL, '/sitemap-index.xml')}`,
    '',
  ].join('\n');
  return new Response(body, { headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
}
