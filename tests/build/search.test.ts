import { mkdirSync, mkdtempSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noteSource, ROOT, tempContent } from '../helpers/content.ts';
import { buildSite, startSite, type RunningSite } from '../helpers/site.ts';

// Search on a real build of the sample Notes plus a scheduled Note (7 December 2026, 07:00 in
// Rome: 06:00Z) in both languages and a draft dated in the past, each with words no other Note has.
const MOMENT = '2026-12-07T06:00:00Z';
const content = tempContent({
  'en/207-quokka-plans.mdx': noteSource({ number: 207, title: 'Quokka plans for the new year', date: '2026-12-07 07:00', summary: 'A scheduled summary.' }, 'The quokka body, with a wombat.'),
  'it/207-piani-quokka.mdx': noteSource({ number: 207, title: 'Piani quokka per l’anno nuovo', date: '2026-12-07 07:00', summary: 'Un riassunto programmato.' }, 'Il corpo del quokka, con un vombato.'),
  'en/208-marzipan.mdx': noteSource({ number: 208, title: 'Marzipan draft', date: '2026-11-01', summary: 'Never public.', draft: true }, 'A draft about the quokka and marzipan.'),
}, { withSampleNotes: true });

let server: RunningSite;
beforeAll(async () => {
  // Inside the project, so the built server finds node_modules.
  mkdirSync(path.join(ROOT, 'tests', '.tmp'), { recursive: true });
  const out = mkdtempSync(path.join(ROOT, 'tests', '.tmp', 'dist-search-'));
  const { code, output } = buildSite(out, content);
  expect(code, output).toBe(0);
  server = await startSite(out, { DRUMBEAT_CONTENT_DIR: content });
  await server.setClock('2026-11-25T12:00:00Z');
});
afterAll(() => server?.stop());

async function search(q: string, lang: 'en' | 'it' = 'en') {
  const res = await fetch(`${server.url}${lang === 'en' ? '' : '/it'}/search/?q=${encodeURIComponent(q)}`);
  const html = await res.text();
  const notes = [...html.matchAll(/<li lang="(\w+)" data-note="(\d+)"/g)].map((m) => `${m[1]}${m[2]}`);
  const count = Number(/data-search-count="(\d+)"/.exec(html)?.[1] ?? -1);
  return { res, html, notes, count };
}

// A build of the sample content takes about a minute on the 2-core machine under load.
describe('search on the built site', { timeout: 60_000 }, () => {
  it('does not show a scheduled Note, in results, snippets or counts, until its moment, in either language', async () => {
    for (const at of ['2026-11-25T12:00:00Z', '2026-12-07T05:59:59Z']) {
      await server.setClock(at);
      for (const lang of ['en', 'it'] as const) {
        for (const q of ['quokka', 'wombat vombato', 'quok', '207']) {
          const { res, html, notes, count } = await search(q, lang);
          expect(res.status).toBe(200);
          expect(notes).toEqual([]);
          expect(count).toBe(0);
          expect(html).not.toMatch(/\/notes\/207|Quokka plans|Piani quokka|scheduled summary|programmato/);
        }
      }
    }
    await server.setClock(MOMENT);
    const en = await search('quokka');
    expect(en.notes).toEqual(['en207']);
    expect(en.html).toMatch(/<mark[^>]*>Quokka<\/mark> plans for the new year/);
    expect(en.html).toMatch(/The <mark[^>]*>quokka<\/mark> body, with a wombat\./);
    const it_ = await search('quok', 'it');
    expect(it_.notes).toEqual(['it207']);
    expect(it_.html).toContain('href="/it/notes/207-piani-quokka/"');
    // The English-only word finds the English Note from the Italian page, marked as another language.
    const other = await search('wombat', 'it');
    expect(other.notes).toEqual(['en207']);
    expect(other.html).toMatch(/data-search-group="others"[\s\S]*English[\s\S]*Note №207/);
    expect(other.html).toContain('Una Nota corrisponde in un’altra lingua.');
    // Italian Notes match "okr" and so do English-only ones (194 to 199): "more" in other languages.
    expect((await search('okr', 'it')).html).toMatch(/Altre \d+ Note corrispondono in altre lingue\./);
  });

  it('never shows a draft, whatever its date', async () => {
    for (const at of ['2026-11-25T12:00:00Z', MOMENT, '2030-01-01T00:00:00Z']) {
      await server.setClock(at);
      for (const lang of ['en', 'it'] as const) {
        const { notes, html } = await search('marzipan', lang);
        expect(notes).toEqual([]);
        expect(html).not.toMatch(/\/notes\/208|Marzipan draft|Never public/);
        expect((await search('quokka', lang)).notes).not.toContain('en208');
      }
    }
  });

  it('ranks title matches first, in the reader’s language, with the one date formatter', async () => {
    await server.setClock('2026-11-25T12:00:00Z');
    const { notes, html } = await search('strategy');
    expect(notes.slice(0, 2)).toEqual(['en202', 'en196']);
    expect(html).toMatch(/<mark[^>]*>Strategy<\/mark> on one page/);
    expect(html).toContain('November 2, 2026');
    const it_ = await search('strategia', 'it');
    expect(it_.notes[0]).toBe('it202');
    expect(it_.html).toContain('2 novembre 2026');
  });

  it('marks result pages noindex and keeps them out of shared caches, saying nothing of the next Note’s moment', async () => {
    await server.setClock('2026-11-25T12:00:00Z');
    const far = await search('goal');
    expect(far.res.headers.get('cache-control')).toBe('private, no-cache');
    expect(far.res.headers.get('x-robots-tag')).toBe('noindex');
    expect(far.html).toContain('<meta name="robots" content="noindex"');
    // The language switch keeps the words.
    expect(far.html).toMatch(/<a class="lang-switch" href="\/it\/search\/\?q=goal"/);
    // Two minutes before Note 207: the same headers as days before.
    await server.setClock('2026-12-07T05:58:00Z');
    const near = await search('goal');
    const headers = (res: Response) => [...res.headers].filter(([k]) => !/^(date|content-length|x-request-id)$/.test(k));
    expect(headers(near.res)).toEqual(headers(far.res));
  });

  it('answers every input with a page, refusing an overlong query with 400', async () => {
    const long = await search('a'.repeat(201));
    expect(long.res.status).toBe(400);
    expect(long.html).toContain('200 characters at most');
    expect((await search('a'.repeat(200))).res.status).toBe(200);
    const raw = ['q=%FF%FE', 'q=%ED%A0%80', 'q=%00', 'q=%', 'q[]=x', 'q=a&q=b', 'q=' + '%F0%9F%99%82'.repeat(60), 'q=%3Cscript%3Ealert(1)%3C%2Fscript%3E', ''];
    for (const query of raw) {
      const res = await fetch(`${server.url}/it/search/?${query}`);
      expect(res.status, query).toBeLessThan(500);
      // Echoed only inside quoted attribute values (the input, og:title), where it is text.
      const html = (await res.text()).replace(/="[^"]*"/g, '=""');
      expect(html).not.toContain('<script>alert');
    }
    const empty = await search('  ');
    expect(empty.res.status).toBe(200);
    expect(empty.count).toBe(-1);
    expect((await search('!!!')).html).toContain('Type a word to search for.');
  });

  it('pages through the reader’s language, ten at a time, and settles odd page numbers', async () => {
    await server.setClock('2026-11-25T12:00:00Z');
    const first = await search('the');
    expect(first.notes).toHaveLength(10);
    expect(first.html).toContain('Page 1 of 2.');
    expect(first.html).toContain('href="/search/?q=the&amp;page=2" rel="next"');
    const second = await fetch(`${server.url}/search/?q=the&page=2`).then((r) => r.text());
    const rest = [...second.matchAll(/<li lang="(\w+)" data-note="(\d+)"/g)].map((m) => `${m[1]}${m[2]}`);
    // 12 English Notes (194 to 205) are public on the 25th; 206 and 207 are scheduled.
    expect(rest).toHaveLength(2);
    expect(new Set([...first.notes, ...rest]).size).toBe(12);
    expect(second).toContain('href="/search/?q=the" rel="prev"');
    for (const page of ['abc', '0', '-1', '99999', '1e3', '']) {
      const res = await fetch(`${server.url}/search/?q=the&page=${page}`);
      expect(res.status, page).toBe(200);
      expect(await res.text(), page).toMatch(page === '99999' ? /Page 2 of 2\./ : /Page 1 of 2\./);
    }
  });

  it('puts a GET search form in every page’s header, in its language', async () => {
    const home = await (await fetch(`${server.url}/`)).text();
    expect(home).toMatch(/<form class="search-box"[^>]*role="search"[^>]*method="get"[^>]*action="\/search\/"/);
    const it_ = await (await fetch(`${server.url}/it/notes/`)).text();
    expect(it_).toMatch(/<form class="search-box"[^>]*action="\/it\/search\/"/);
    expect(it_).toContain('placeholder="Cerca"');
  });
});
