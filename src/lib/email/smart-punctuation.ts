// The web renders the author's Markdown with smart punctuation (Astro's default: I’m, “quoted”,
// – and …); emails compile the same text with @mdx-js/mdx, which has none, so the same Note read
// "I'm" in the inbox and "I’m" on the site (issue 13). This rehype step gives emails the web's.

interface HastNode {
  type: string;
  tagName?: string;
  value?: string;
  children?: HastNode[];
}

// Text inside these is shown as typed.
const VERBATIM = new Set(['code', 'pre', 'kbd', 'samp', 'script', 'style']);
const OPENS_AFTER = /[\s([{\u2014\u2013-]|^$/;

/** Smart punctuation for one run of text; `before` is the character that precedes it on the page. */
export function smartenText(text: string, before = ''): string {
  let out = '';
  let prev = before;
  const src = text.replace(/\.\.\./g, '\u2026').replace(/---/g, '\u2014').replace(/--/g, '\u2013');
  for (let i = 0; i < src.length; i++) {
    const ch = src[i]!;
    const next = src[i + 1] ?? '';
    if (ch === '"') out += OPENS_AFTER.test(prev) ? '\u201c' : '\u201d';
    else if (ch === "'") {
      // An apostrophe inside a word (I'm, l'anno) or before a year ('90s) is the closing mark too.
      const opens = OPENS_AFTER.test(prev) && !/\d/.test(next);
      out += opens ? '\u2018' : '\u2019';
    } else out += ch;
    prev = ch;
  }
  return out;
}

/** The rehype plugin: every text node outside code, in document order. */
export function rehypeSmartPunctuation() {
  return (tree: HastNode) => {
    let last = '';
    const walk = (node: HastNode) => {
      if (node.type === 'element' && node.tagName && VERBATIM.has(node.tagName)) {
        last = 'x';
        return;
      }
      if (node.type === 'text' && typeof node.value === 'string') {
        node.value = smartenText(node.value, last.slice(-1));
        if (node.value.length > 0) last = node.value;
        return;
      }
      // A new block starts fresh: a quote at its start opens.
      if (node.type === 'element' && /^(p|h[1-6]|li|blockquote|td|th|div)$/.test(node.tagName ?? '')) last = '';
      for (const child of node.children ?? []) walk(child);
    };
    walk(tree);
  };
}
