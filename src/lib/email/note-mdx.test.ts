import { render } from 'react-email';
import { describe, expect, it } from 'vitest';
import { markdownElement, noteBodyElement } from './note-mdx.server.ts';

const SITE = 'https://drumbeat.example';

describe('Note MDX for email', () => {
  it('makes links and images absolute against the site, keeping absolute ones', async () => {
    const html = await render(
      await noteBodyElement('See [the archive](/notes/), [x](https://other.example/a) and ![a chart](images/c.png).', { lang: 'en', siteUrl: `${SITE}/` }),
    );
    expect(html).toContain(`href="${SITE}/notes/"`);
    expect(html).toContain('href="https://other.example/a"');
    expect(html).toContain(`src="${SITE}/images/c.png"`);
    expect(html).toContain('alt="a chart"');
    expect(html).not.toMatch(/<(a|img|p)\b(?![^>]*style=)/);
  });

  it('writes NoteRef in the language of the text, and hides a Note that is not public', async () => {
    const body = 'Vedi <NoteRef n={194} /> e <NoteRef n="204" />.';
    const html = await render(await noteBodyElement(body, { lang: 'it', siteUrl: SITE, citations: { 194: { title: 'Un post-it', url: '/it/notes/194/' } } }));
    expect(html).toMatch(/<a href="https:\/\/drumbeat\.example\/it\/notes\/194\/" style="[^"]+">Nota №194, <cite>Un post-it<\/cite><\/a>/);
    expect(html.replaceAll('<!-- -->', '')).toContain(' e una Nota in arrivo.'); // React separates adjacent text nodes with empty comments
  });

  it('compiles each distinct source once', async () => {
    const source = `Cached ${Math.random()}`;
    const started = performance.now();
    await noteBodyElement(source, { lang: 'en', siteUrl: SITE });
    const first = performance.now() - started;
    const again = performance.now();
    for (let i = 0; i < 20; i++) await noteBodyElement(source, { lang: 'en', siteUrl: SITE });
    expect((performance.now() - again) / 20).toBeLessThan(first);
  });

  it('reports a broken Note and does not cache the failure', async () => {
    await expect(noteBodyElement('Broken <NoteRef n={1} ', { lang: 'en', siteUrl: SITE })).rejects.toThrow();
    await expect(noteBodyElement('Broken <NoteRef n={1} ', { lang: 'en', siteUrl: SITE })).rejects.toThrow();
  });

  it('treats plain Markdown as Markdown: raw HTML is dropped, never passed through', async () => {
    const html = await render(await markdownElement('Hi <b onclick="x()">there</b>\n\n<script>alert(1)</script>\n\n<img src=x onerror=y>', { lang: 'en', siteUrl: SITE }));
    expect(html).not.toMatch(/<script|onclick|onerror|<b>/);
    expect(html).toContain('there');
  });
});
