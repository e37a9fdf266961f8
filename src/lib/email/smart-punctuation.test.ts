import { render } from 'react-email';
import { describe, expect, it } from 'vitest';
import { markdownElement, noteBodyElement } from './note-mdx.server.ts';
import { smartenText } from './smart-punctuation.ts';

describe('smart punctuation in emails, as on the web', () => {
  it('curls apostrophes and quotes, and makes dashes and ellipses', () => {
    expect(smartenText(`I'm sure it's "fine" -- or 'mostly'... l'anno del '90`)).toBe('I’m sure it’s “fine” – or ‘mostly’… l’anno del ’90');
    expect(smartenText('a---b')).toBe('a—b');
  });

  it('a Note body and the welcome text reach the email with curly apostrophes, code left as typed', async () => {
    const note = await render(await noteBodyElement(`I've seen "people" try.\n\n**Don't** do \`it's\`.`, { lang: 'en' } as never));
    expect(note).toContain('I’ve seen “people” try.');
    expect(note).toContain('Don’t');
    expect(note).toContain('<code');
    expect(note).toMatch(/it&#x27;s<\/code>/);
    const welcome = await render(await markdownElement(`Thank you. I'm glad you're here.`, { lang: 'en' } as never));
    expect(welcome).toContain('I’m glad you’re here.');
    expect(welcome).not.toMatch(/I&#x27;m|you&#x27;re/);
  });
});
