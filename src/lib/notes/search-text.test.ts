import { describe, expect, it } from 'vitest';
import { markText, MAX_QUERY_CHARS, MAX_QUERY_TERMS, normalizeWord, parseQuery, snippet, tokenize, type QueryTerm } from './search-text.ts';

const terms = (q: string): QueryTerm[] => {
  const parsed = parseQuery(q);
  if (parsed.kind !== 'terms') throw new Error(`no terms in ${q}`);
  return parsed.terms;
};
const marked = (segments: { text: string; mark: boolean }[]) => segments.filter((s) => s.mark).map((s) => s.text);
const joined = (segments: { text: string; mark: boolean }[]) => segments.map((s) => (s.mark ? `[${s.text}]` : s.text)).join('');

describe('words as search sees them', () => {
  it('folds case and accents, so both spellings of perché and attività without accents are one word', () => {
    expect(normalizeWord('perchè')).toBe('perche');
    expect(normalizeWord('Perché')).toBe('perche');
    expect(normalizeWord('ATTIVITÀ')).toBe('attivita');
    expect(normalizeWord('Lunedì')).toBe('lunedi');
    // decomposed input (e + combining acute) and compatibility forms
    expect(normalizeWord('perche\u0301')).toBe('perche');
    expect(normalizeWord('ﬁne')).toBe('fine');
    expect(normalizeWord('ＯＫＲ')).toBe('okr');
  });

  it('splits on apostrophes and punctuation, and keeps where each word stands', () => {
    const text = "Dell'attività, l’anno: OKR-2027!";
    expect(tokenize(text).map((t) => t.term)).toEqual(['dell', 'attivita', 'l', 'anno', 'okr', '2027']);
    const [, second] = tokenize(text);
    expect(text.slice(second!.start, second!.end)).toBe('attività');
    expect(tokenize('perche\u0301 no').map((t) => t.term)).toEqual(['perche', 'no']);
  });

  it('cuts a very long word, so a pasted hash is not a 10,000-character term', () => {
    expect(normalizeWord('x'.repeat(10_000))).toHaveLength(40);
  });
});

describe('the query', () => {
  it('takes each word once, the start of a word for words of two letters or more, whole numbers', () => {
    expect(terms('Obiett obiett  perché 205 e')).toEqual([
      { term: 'obiett', prefix: true },
      { term: 'perche', prefix: true },
      { term: '205', prefix: false },
      { term: 'e', prefix: false },
    ]);
  });

  it('is empty without words, refused when too long, and ignores words past the limit', () => {
    expect(parseQuery('')).toEqual({ kind: 'empty' });
    expect(parseQuery(' !?… «» ')).toEqual({ kind: 'empty' });
    expect(parseQuery('a'.repeat(MAX_QUERY_CHARS + 1))).toEqual({ kind: 'too-long' });
    expect(terms('w1 w2 w3 w4 w5 w6 w7 w8 w9 w10')).toHaveLength(MAX_QUERY_TERMS);
  });

  it('survives what a browser or a script can send', () => {
    for (const raw of ['\ud800', '%E0%A4%A', '<script>alert(1)</script>', '\u0000\u0301\u0301', '🙂🙂', 'a\u200db']) {
      expect(() => parseQuery(raw)).not.toThrow();
    }
    expect(terms('<script>alert(1)</script>').map((t) => t.term)).toEqual(['script', 'alert', '1']);
  });
});

describe('marking and snippets', () => {
  it('marks the words that match, in their original spelling, prefixes included', () => {
    const text = 'Gli obiettivi, perché l’attività conta. Obiettivo!';
    expect(marked(markText(text, terms('obiett attivita perche')))).toEqual(['obiettivi', 'perché', 'attività', 'Obiettivo']);
    expect(markText(text, terms('obiett')).map((s) => s.text).join('')).toBe(text);
  });

  it('marks "e" only where it is the whole word', () => {
    expect(joined(markText('E poi e ancora era', terms('e')))).toBe('[E] poi [e] ancora era');
  });

  it('cuts about 32 words around the first match, with an ellipsis where it cut', () => {
    const words = Array.from({ length: 100 }, (_, i) => `w${i}`);
    words[50] = 'Target';
    const s = snippet(words.join(' '), terms('target'));
    const text = joined(s);
    expect(text.startsWith('… w42 ')).toBe(true);
    expect(text).toContain('w49 [Target] w51');
    expect(text.endsWith(' …')).toBe(true);
    expect(text.split(' ').filter((w) => w !== '…')).toHaveLength(32);
  });

  it('starts at the beginning when the match is near it or absent, and folds white space', () => {
    expect(joined(snippet('One two\n\nthree target four', terms('target')))).toBe('One two three [target] four');
    expect(joined(snippet('Nothing here matches', terms('zebra')))).toBe('Nothing here matches');
    expect(snippet('', terms('zebra'))).toEqual([]);
  });
});

describe('snippets, at their edges', () => {
  const text = (n: number, at: number[] = []) => Array.from({ length: n }, (_, i) => (at.includes(i) ? 'hit' : `w${i}`)).join(' ');
  const words = (s: string) => s.split(' ').filter((w) => w !== '…');
  it.each([
    [40, [0], '[hit] w1', false, true],
    [40, [8], 'w0 w1', false, true],
    [40, [9], '… w1 w2', true, true],
    [40, [39], '… w8 w9', true, false],
    [32, [], 'w0 w1', false, false],
    [33, [], 'w0 w1', false, true],
    [10, [5], 'w0 w1', false, false],
  ])('%i words, a match at %j: starts "%s"', (n, at, start, cutBefore, cutAfter) => {
    const s = joined(snippet(text(n, at), terms('hit')));
    expect(s.startsWith(start)).toBe(true);
    expect(s.startsWith('…')).toBe(cutBefore);
    expect(s.endsWith('…')).toBe(cutAfter);
    expect(words(s)).toHaveLength(Math.min(n, 32));
  });
});
