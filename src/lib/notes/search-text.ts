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

export function* words(text: string): Generator<Token> {
  for (const m of text.matchAll(WORD)) {
    const term = normalizeWord(m[0]);
    if (term) yield { term, start: m.index, end: m.index + m[0].length };
  }
}

export function tokenize(text: string): Token[] {
  return [...words(text)];
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
  // Read only as far as the window after the first match: a page shows 30 snippets of Notes of
  // 1,000 words.
  const opening: Token[] = [];
  let before: Token[] = [];
  let shown: Token[] = [];
  let i = 0;
  let firstShown = 0;
  let matched = false;
  let more = false;
  for (const token of words(text)) {
    if (matched) {
      if (shown.length === SNIPPET_WORDS) {
        more = true;
        break;
      }
      shown.push(token);
    } else if (terms.some((q) => termMatches(token.term, q))) {
      matched = true;
      const lead = Math.min(SNIPPET_LEAD_WORDS, before.length);
      firstShown = i - lead;
      shown = [...before.slice(before.length - lead), token];
      before = before.slice(0, before.length - lead);
    } else {
      if (opening.length < SNIPPET_WORDS) opening.push(token);
      before.push(token);
      if (before.length > SNIPPET_WORDS) before.shift();
    }
    i++;
  }
  if (!matched) {
    shown = opening;
    more = i > opening.length;
  } else if (!more && shown.length < SNIPPET_WORDS) {
    // A match near the end: fill the window with the words before it.
    const extra = before.slice(Math.max(0, before.length - (SNIPPET_WORDS - shown.length)));
    shown = [...extra, ...shown];
    firstShown -= extra.length;
  }
  if (shown.length === 0) return [];
  const start = firstShown === 0 ? 0 : shown[0]!.start;
  const end = more ? shown.at(-1)!.end : text.length;
  const segments = markText(text.slice(start, end).replace(/\s+/g, ' ').trim(), terms);
  if (firstShown > 0) segments.unshift({ text: '… ', mark: false });
  if (more) segments.push({ text: ' …', mark: false });
  return segments;
}
