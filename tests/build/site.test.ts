import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadSiteConfig } from '../../src/lib/core/site.ts';
import { publishInstant } from '../../src/lib/notes/publish.ts';
import { scanNotes } from '../../src/lib/notes/validate.ts';
import { noteSource, ROOT, tempContent } from '../helpers/content.ts';
import { buildSite, startSite, type RunningSite } from '../helpers/site.ts';

// The sample content, as the build should publish it on 2026-11-25 (Note 206 is scheduled for
// Monday 2026-11-30 07:00 Europe/Rome).
const TODAY = '2026-11-25T12:00:00Z';
const site = loadSiteConfig(path.join(ROOT, 'content'));
const sample = scanNotes(path.join(ROOT, 'content'), site.languages, site.defaultLanguage).notes;
const visibleAt = (at: string) =>
  sample.filter((n) => !n.frontmatter.draft && publishInstant(n.frontmatter.date, site.timeZone) <= Date.parse(at));
const pathOf = (n: (typeof sample)[number]) => `${n.lang === 'en' ? '' : `/${n.lang}`}/notes/${n.frontmatter.number}-${n.slug}/`;

const xml = new XMLParser({ ignoreAttributes: false });
let server: RunningSite;

beforeAll(async () => {
  server = await startSite(inject('sampleOutDir'));
  await server.setClock(TODAY);
});
afterAll(() => server?.stop());

// Each test is a series of requests to the running server: under 3 s measured at a load of 13.
describe('the built sample site', { timeout: 60_000 }, () => {
  it('serves every published Note page in both languages', async () => {
    const visible = visibleAt(TODAY);
    expect(visible.filter((n) => n.lang === 'en').length).toBeGreaterThanOrEqual(12);
    expect(visible.filter((n) => n.lang === 'it').length).toBeGreaterThanOrEqual(6);
    for (const n of visible) {
      const res = await fetch(server.url + pathOf(n));
      expect(res.status, pathOf(n)).toBe(200);
      const html = await res.text();
      expect(html).toContain(`<html lang="${n.lang}"`);
      expect(html).toContain(`№${n.frontmatter.number}`);
      expect(html).toContain(n.frontmatter.title.replace(/'/g, '&#39;'));
    }
  });

  it('redirects /notes/<number>/ to the full URL', async () => {
    const res = await fetch(`${server.url}/notes/205/`, { redirect: 'manual' });
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe('/notes/205-three-steps/');
    const it_ = await fetch(`${server.url}/it/notes/205`, { redirect: 'manual' });
    expect(it_.headers.get('location')).toBe('/it/notes/205-tre-passi/');
  });

  it('publishes valid RSS per language with every visible Note', async () => {
    for (const lang of ['en', 'it']) {
      const res = await fetch(`${server.url}${lang === 'en' ? '' : '/it'}/rss.xml`);
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(XMLValidator.validate(text)).toBe(true);
      const channel = xml.parse(text).rss.channel;
      const items = [channel.item].flat();
      const expected = visibleAt(TODAY).filter((n) => n.lang === lang);
      expect(items).toHaveLength(expected.length);
      for (const item of items) expect(item.link).toMatch(new RegExp(`^${server.url}/`));
      expect(items[0].link).toBe(`${server.url}${pathOf(expected.sort((a, b) => b.frontmatter.number - a.frontmatter.number)[0]!)}`);
    }
  });

  it('publishes a sitemap with every page and its translations', async () => {
    const index = await (await fetch(`${server.url}/sitemap-index.xml`)).text();
    expect(XMLValidator.validate(index)).toBe(true);
    const loc = xml.parse(index).sitemapindex.sitemap.loc;
    const map = await (await fetch(loc)).text();
    expect(XMLValidator.validate(map)).toBe(true);
    const locs = [xml.parse(map).urlset.url].flat().map((u: { loc: string }) => u.loc);
    for (const n of visibleAt(TODAY)) expect(locs).toContain(server.url + pathOf(n));
    expect(locs).toContain(`${server.url}/it/`);
    expect(map).toContain('hreflang="it"');
  });

  it('keeps a scheduled Note invisible everywhere until its moment, then shows it without a restart', async () => {
    const scheduled = sample.find((n) => n.frontmatter.number === 206 && n.lang === 'en')!;
    const url = server.url + pathOf(scheduled);
    const places = ['/', '/notes/', '/rss.xml', '/sitemap-0.xml', '/notes/205-three-steps/'];
    expect((await fetch(url)).status).toBe(404);
    for (const p of places) expect(await (await fetch(server.url + p)).text(), p).not.toContain('206');

    await server.setClock('2026-11-30T05:59:59Z');
    expect((await fetch(url)).status).toBe(404);
    await server.setClock('2026-11-30T06:00:00Z'); // 07:00 in Rome
    expect((await fetch(url)).status).toBe(200);
    for (const p of places.slice(0, 4)) expect(await (await fetch(server.url + p)).text(), p).toContain('206');
    await server.setClock(TODAY);
  });

  it('answers 404 with the 404 page for unknown and draft Notes, and health checks', async () => {
    for (const p of ['/notes/999-nope/', '/notes/page/99/', '/nothing-here', '/it/notes/12x/']) {
      const res = await fetch(server.url + p);
      expect(res.status, p).toBe(404);
      expect(await res.text()).toContain('<h1>');
    }
    const health = await fetch(`${server.url}/healthz`);
    expect(await health.json()).toEqual({ ok: true });
  });

  it('serves Note pages from the render cache and sends security headers', async () => {
    await fetch(`${server.url}/notes/204-the-monday-rhythm/`);
    const res = await fetch(`${server.url}/notes/204-the-monday-rhythm/`);
    expect(res.headers.get('x-astro-cache')).toBe('HIT');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });
});

// A build that stops at the content check: 2–7 s measured under load; 120 s of margin.
describe('a build with broken content', { timeout: 120_000 }, () => {
  it('fails on a NoteRef to a missing Note, naming both files', () => {
    const content = tempContent({
      'en/1-first.mdx': noteSource({ number: 1, title: 'First', date: '2026-01-05', summary: 'S' }, 'See <NoteRef n={92} />.'),
    });
    const out = mkdtempSync(path.join(os.tmpdir(), 'drumbeat-dist-'));
    const { code, output } = buildSite(out, content);
    expect(code).not.toBe(0);
    expect(output).toMatch(/notes\/en\/1-first\.mdx: <NoteRef n=\{92\} \/> cites Note 92, but no file content\/notes\/en\/92-\*\.mdx exists/);
  });

  it('fails on bad frontmatter with the file and the field', () => {
    const content = tempContent({ 'en/1-first.mdx': noteSource({ number: 1, date: '2026-01-05', summary: 'S' }) });
    const out = mkdtempSync(path.join(os.tmpdir(), 'drumbeat-dist-'));
    const { code, output } = buildSite(out, content);
    expect(code).not.toBe(0);
    expect(output).toMatch(/notes\/en\/1-first\.mdx: title: /);
  });
});
