import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startSite, type RunningSite } from '../helpers/site.ts';

// What feed validators, crawlers and the test copy's unsubscribe link find on the built sample
// site (on 2026-11-25: 12 English Notes, two archive pages; 6 Italian ones, one page).
const TODAY = '2026-11-25T12:00:00Z';
const xml = new XMLParser({ ignoreAttributes: false });
let server: RunningSite;

beforeAll(async () => {
  server = await startSite(inject('sampleOutDir'));
  await server.setClock(TODAY);
});
afterAll(() => server?.stop());

/** hreflang → absolute URL, from a page's <head>. */
async function alternatesOf(path: string): Promise<Record<string, string>> {
  const html = await (await fetch(server.url + path)).text();
  return Object.fromEntries([...html.matchAll(/<link rel="alternate" hreflang="([^"]+)" href="([^"]+)"/g)].map((m) => [m[1]!, m[2]!]));
}

describe('feeds', () => {
  for (const [lang, prefix] of [['en', ''], ['it', '/it']] as const) {
    it(`${lang}: atom:link rel="self" with the feed's own URL, and lastBuildDate`, async () => {
      const text = await (await fetch(`${server.url}${prefix}/rss.xml`)).text();
      expect(XMLValidator.validate(text)).toBe(true);
      const rss = xml.parse(text).rss;
      expect(rss['@_xmlns:atom']).toBe('http://www.w3.org/2005/Atom');
      const self = rss.channel['atom:link'];
      expect(self).toMatchObject({ '@_href': `${server.url}${prefix}/rss.xml`, '@_rel': 'self', '@_type': 'application/rss+xml' });
      const items = [rss.channel.item].flat();
      // The newest Note's moment: the feed last changed when it appeared.
      expect(rss.channel.lastBuildDate).toMatch(/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
      expect(Date.parse(rss.channel.lastBuildDate)).toBe(Math.max(...items.map((i: { pubDate: string }) => Date.parse(i.pubDate))));
    });
  }
});

describe('hreflang and canonical', () => {
  it('every alternate points back: /notes/ ↔ /it/notes/, and /notes/page/2/ has no Italian page to point to', async () => {
    const pages = ['/notes/', '/it/notes/', '/notes/page/2/', '/notes/205-three-steps/', '/it/notes/205-tre-passi/', '/workshops/', '/it/workshops/', '/certification/okr-coach/', '/it/topics/'];
    for (const page of pages) {
      const alts = await alternatesOf(page);
      for (const [lang, href] of Object.entries(alts)) {
        if (lang === 'x-default') continue;
        const back = await alternatesOf(new URL(href).pathname);
        expect(Object.values(back), `${href} does not point back to ${page}`).toContain(server.url + page);
      }
    }
    expect(await alternatesOf('/notes/page/2/')).toEqual({});
  });

  it('the 404 page has noindex and no canonical of the missing URL', async () => {
    const res = await fetch(`${server.url}/notes/999-missing/`);
    expect(res.status).toBe(404);
    const html = await res.text();
    expect(html).toContain('<meta name="robots" content="noindex"');
    expect(html).not.toMatch(/rel="canonical"/);
    expect(html).not.toContain('999-missing');
  });
});

describe('robots.txt', () => {
  it('names the sitemap by its absolute URL and keeps crawlers out of private pages', async () => {
    const res = await fetch(`${server.url}/robots.txt`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/^User-agent: \*$/m);
    expect(text).toContain(`\nSitemap: ${server.url}/sitemap-index.xml\n`);
    for (const p of ['/library/', '/it/library/', '/login/', '/dev/']) expect(text).toContain(`Disallow: ${p}\n`);
    expect(text).not.toMatch(/^Disallow: \/$/m);
    expect((await fetch(`${server.url}/sitemap-index.xml`)).status).toBe(200);
  });
});

describe('sitemap: the shop, every sales page and the topics, with hreflang', () => {
  /** loc → { hreflang → href } of every <url> in the sitemap the index names. */
  async function sitemap(): Promise<Map<string, Record<string, string>>> {
    const index = xml.parse(await (await fetch(`${server.url}/sitemap-index.xml`)).text());
    const loc = [index.sitemapindex.sitemap].flat()[0].loc as string;
    const text = await (await fetch(loc.replace(/^https?:\/\/[^/]+/, server.url))).text();
    expect(XMLValidator.validate(text)).toBe(true);
    const urls = [xml.parse(text).urlset.url].flat() as { loc: string; 'xhtml:link'?: unknown }[];
    return new Map(urls.map((u) => [u.loc, Object.fromEntries([u['xhtml:link'] ?? []].flat().map((l) => [(l as Record<string, string>)['@_hreflang'], (l as Record<string, string>)['@_href']]))]));
  }

  it('lists /workshops/ and the sales pages in both languages, each pointing at the other', async () => {
    const map = await sitemap();
    for (const [en, it] of [['/workshops/', '/it/workshops/'], ['/workshops/okr-workshop-2027-03/', '/it/workshops/okr-workshop-2027-03/'], ['/certification/okr-coach/', '/it/certification/okr-coach/'], ['/topics/', '/it/topics/']]) {
      for (const p of [en, it]) expect(map.get(server.url + p), p).toEqual({ en: server.url + en, it: server.url + it });
      expect((await fetch(server.url + it!)).status).toBe(200);
    }
  });

  it('lists a page per topic and language for public Notes only', async () => {
    const map = await sitemap();
    expect(map.has(`${server.url}/topics/planning/`)).toBe(true);
    expect(map.has(`${server.url}/it/topics/pianificazione/`)).toBe(true);
    // The same topic in the other language, as its translated Notes tag it (035).
    for (const p of ['/topics/planning/', '/it/topics/pianificazione/']) {
      expect(map.get(`${server.url}${p}`), p).toEqual({ en: `${server.url}/topics/planning/`, it: `${server.url}/it/topics/pianificazione/` });
    }
    // Note 206 (scheduled for 30 November) is not in the sitemap, nor under its topics.
    expect([...map.keys()].some((k) => k.includes('/206-'))).toBe(false);
    for (const loc of [...map.keys()].filter((k) => k.includes('/topics/') && !k.endsWith('/topics/'))) {
      const res = await fetch(loc.replace(/^https?:\/\/[^/]+/, server.url));
      expect(res.status, loc).toBe(200);
      expect(await res.text()).not.toContain('206-');
    }
  });
});

describe("a test copy's unsubscribe link", () => {
  it('opens a page that says it is a test copy, in the copy’s language; its POST and one-click change nothing', async () => {
    const url = `${server.url}/unsubscribe?preview=1&lang=it`;
    const page = await fetch(url);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<html lang="it"');
    expect(html).toContain('Questa è una copia di prova');
    expect(html).toContain('<meta name="robots" content="noindex"');
    const oneClick = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url }, body: 'List-Unsubscribe=One-Click' });
    expect(oneClick.status).toBe(200);
    expect(await oneClick.text()).toBe('Copia di prova: nulla è cambiato.');
    const en = await fetch(`${server.url}/unsubscribe?preview=1`);
    expect(await en.text()).toContain('This is a test copy');
  });
});
