import { describe, expect, it } from 'vitest';
import { descriptionHtml } from './description.ts';

describe('descriptionHtml', () => {
  it('makes paragraphs, lists, emphasis and links', () => {
    expect(descriptionHtml('One\nline.\n\n**Two** and *three* [x](https://e.com/a)\n\n- a\n- b')).toBe(
      '<p>One line.</p>\n<p><strong>Two</strong> and <em>three</em> <a href="https://e.com/a">x</a></p>\n<ul><li>a</li><li>b</li></ul>',
    );
  });
  it('escapes markup and refuses script links', () => {
    const html = descriptionHtml('<script>alert(1)</script> [x](javascript:alert(1)) "q"');
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('href="javascript');
    expect(html).toContain('&lt;script&gt;');
  });
});
