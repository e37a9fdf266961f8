// Words as search sees them: the same rule for the Notes and for what a reader types, so that
// "perchè", "Perché" and "perche" are one word, and the snippet marks exactly what matched.

/** What a reader may type: longer is refused (400), more words are ignored. */
export const MAX_QUERY_CHARS = 200;
export const MAX_QUERY_TERMS = 8;
/** Longer "words" (a pasted URL, a hash) are cut to this, in the Notes and in the query alike. */
const MAX_TERM_CHARS = 40;
/** A term this short matches whole words only: "e" must not find every word starting with e. */
const MIN_PREFIX_CHARS = 2;

// Letters with their combining marks (text in NFD keeps "é" as "e" + U+0301) and digits; anything
// else, apostrophes included, separates words: "dell'attività" is "dell" and "attività".
const WORD = /[\p{L}\p{M}\p{N}]+/gu;
const ASCII_WORD = /^[A-Za-z0-9]+$/;

/** Case, accents and compatibility forms (ligatures, full-width letters) folded away. */
export function normalizeWord(word: string): string {
  const folded = ASCII_WORD.test(word) ? word.toLowerCase() : word.normalize('NFKD').replace(/[^\p{L}\p{N}]/gu, '').toLowerCase();
  return folded.length > MAX_TERM_CHARS ? folded.slice(0, MAX_TERM_CHARS) : folded;
}

export interface Token {
  /** the normalized word */
  term: string;
  /** where the word stands in the original text */
  start: number;
  end: number;
}

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const m of text.matchAll(WORD)) {
    const term = normalizeWord(m[0]);
    if (term) tokens.push({ term, start: m.index, end: m.index + m[0].length });
  }
  return tokens;
}

export interface QueryTerm {
  term: string;
  /** also matches longer words that start with it */
  prefix: boolean;
}

export type ParsedQuery =
  | { kind: 'empty' }
  | { kind: 'too-long' }
  | { kind: 'terms'; terms: QueryTerm[] };

/** The reader's words, each once, in their order; numbers match whole (205 is not 2050). */
export function parseQuery(raw: string): ParsedQuery {
  if (raw.length > MAX_QUERY_CHARS) return { kind: 'too-long' };
  const seen = new Set<string>();
  const terms: QueryTerm[] = [];
  for (const { term } of tokenize(raw)) {
    if (seen.has(term)) continue;
    seen.add(term);
    terms.push({ term, prefix: term.length >= MIN_PREFIX_CHARS && !/^\d+$/.test(term) });
    if (terms.length === MAX_QUERY_TERMS) break;
  }
  return terms.length === 0 ? { kind: 'empty' } : { kind: 'terms', terms };
}

export function termMatches(word: string, q: QueryTerm): boolean {
  return q.prefix ? word.startsWith(q.term) : word === q.term;
}

export interface Segment {
  text: string;
  mark: boolean;
}

/** The text cut in plain and marked pieces: the page renders them (escaped), never as HTML. */
export function markText(text: string, terms: readonly QueryTerm[]): Segment[] {
  const segments: Segment[] = [];
  let at = 0;
  for (const token of tokenize(text)) {
    if (!terms.some((q) => termMatches(token.term, q))) continue;
    if (token.start > at) segments.push({ text: text.slice(at, token.start), mark: false });
    segments.push({ text: text.slice(token.start, token.end), mark: true });
    at = token.end;
  }
  if (at < text.length) segments.push({ text: text.slice(at), mark: false });
  return segments;
}

const SNIPPET_WORDS = 32;
const SNIPPET_LEAD_WORDS = 8;

/**
 * About 32 words of the text around the first word that matches (its opening when none does),
 * with "…" where it was cut, and the matching words marked.
 */
export function snippet(text: string, terms: readonly QueryTerm[]): Segment[] {
  const tokens = tokenize(text);
  if (tokens.length === 0) return [];
  const first = Math.max(0, tokens.findIndex((t) => terms.some((q) => termMatches(t.term, q))));
  const from = first <= SNIPPET_LEAD_WORDS ? 0 : first - SNIPPET_LEAD_WORDS;
  const to = Math.min(tokens.length, from + SNIPPET_WORDS);
  const start = from === 0 ? 0 : tokens[from]!.start;
  const end = to === tokens.length ? text.length : tokens[to - 1]!.end;
  const piece = text.slice(start, end).replace(/\s+/g, ' ').trim();
  const segments = markText(piece, terms);
  if (from > 0) segments.unshift({ text: '… ', mark: false });
  if (to < tokens.length) segments.push({ text: ' …', mark: false });
  return segments;
}
