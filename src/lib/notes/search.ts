import { NoteCatalog, type NoteMeta } from './catalog.ts';
import { plainTextOfMdx } from './reading-time.ts';
import { markText, snippet, tokenize, type QueryTerm, type Segment } from './search-text.ts';

// Search over the Notes, in memory (docs/decisions/026-search.md). The index holds only Notes a
// reader may see at the moment asked about: drafts never enter it, a scheduled Note enters on the
// first search after its moment. So nothing unpublished can show up in a result, a snippet or a
// count, and a search for a word only a scheduled Note contains does exactly the work of a search
// for a word no Note contains.

export interface SearchDoc {
  meta: NoteMeta;
  /** the MDX source of the Note's body */
  body: string;
}

export interface SearchHit {
  note: NoteMeta;
  title: Segment[];
  summary: Segment[];
  snippet: Segment[];
}

export interface SearchLimits {
  /** how many of the reader's language to skip (pages) */
  offset?: number;
  hits?: number;
  others?: number;
}

export interface SearchResults {
  /** Notes in the reader's language, best first */
  hits: SearchHit[];
  total: number;
  /** Notes only the other languages have a match for (not a translation already listed) */
  others: SearchHit[];
  othersTotal: number;
}

// A posting packs one (word, Note) pair in one small integer: the Note's place in the index, and
// how often the word occurs in its title, summary and body (capped: past a few, more says little).
const BODY_BITS = 7;
const FIELD_BITS = 3;
const WEIGHT_BITS = BODY_BITS + 2 * FIELD_BITS;
const FIELD_MAX = (1 << FIELD_BITS) - 1;
const BODY_MAX = (1 << BODY_BITS) - 1;
/** Postings stay small integers (bit operations, no boxing) up to this many Notes. */
const MAX_DOCS = 2 ** (31 - WEIGHT_BITS);

// Title beats summary beats body; an exact word beats a longer word it starts (×0.8). Integer
// scores, coarse on purpose, so that equally good matches tie and the recent Note wins.
const TITLE_SCORE = 1000;
const SUMMARY_SCORE = 100;
const bodyScore = (count: number) => 10 * Math.min(4, Math.ceil(Math.log2(1 + count)));
/** score of each packed weight, exact and prefix-only */
const EXACT = new Int32Array(1 << WEIGHT_BITS);
const PREFIX = new Int32Array(1 << WEIGHT_BITS);
for (let w = 0; w < EXACT.length; w++) {
  const title = w >>> (BODY_BITS + FIELD_BITS);
  const summary = (w >>> BODY_BITS) & FIELD_MAX;
  EXACT[w] = (title > 0 ? TITLE_SCORE : 0) + (summary > 0 ? SUMMARY_SCORE : 0) + bodyScore(w & BODY_MAX);
  PREFIX[w] = Math.round(EXACT[w]! * 0.8);
}

/**
 * The words a reader reads, about: a citation stands as "…", never as the cited Note's number or
 * title, which may not be public yet (the page itself says "a forthcoming Note" then).
 */
export function searchableText(body: string): string {
  return plainTextOfMdx(body.replace(/<NoteRef\b[^>]*\/>/g, '…')).replace(/[ \t]+([,.;:!?])/g, '$1');
}

function counts(text: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const { term } of tokenize(text)) found.set(term, (found.get(term) ?? 0) + 1);
  return found;
}

export class NoteSearchIndex {
  /** every Note that is not a draft, in the order it becomes public */
  readonly #docs: SearchDoc[];
  /** how many of #docs (from the first) are in the index */
  #indexed = 0;
  #postings = new Map<string, number[]>();
  /** per place in #docs: the language's index in #langs, the Note's number */
  readonly #langOf: Uint8Array;
  readonly #langs: string[] = [];
  readonly #numberOf: Int32Array;
  /** per Note number, the last query that listed it (no Set per query) */
  readonly #listedBy: Int32Array;
  #queries = 0;
  /** the words of #postings, sorted, for prefix look-ups; undefined after new words arrived */
  #sortedTerms: string[] | undefined = [];

  constructor(docs: readonly SearchDoc[]) {
    // A later place is a more recent Note (then a higher number): ties in score rank by place.
    this.#docs = docs.filter((d) => !d.meta.draft).sort((a, b) => a.meta.publishAt - b.meta.publishAt || a.meta.number - b.meta.number || a.meta.id.localeCompare(b.meta.id));
    if (this.#docs.length >= MAX_DOCS) throw new Error(`search holds at most ${MAX_DOCS - 1} Notes`);
    this.#langOf = new Uint8Array(this.#docs.length);
    this.#numberOf = new Int32Array(this.#docs.length);
    for (const [i, { meta }] of this.#docs.entries()) {
      if (!this.#langs.includes(meta.lang)) this.#langs.push(meta.lang);
      this.#langOf[i] = this.#langs.indexOf(meta.lang);
      this.#numberOf[i] = meta.number;
    }
    this.#listedBy = new Int32Array(Math.max(0, ...this.#numberOf) + 1);
  }

  /** How many Notes are public at `now`: a prefix of #docs. */
  #visibleCount(now: number): number {
    let visible = this.#indexed;
    while (visible < this.#docs.length && this.#docs[visible]!.meta.publishAt <= now) visible++;
    while (visible > 0 && this.#docs[visible - 1]!.meta.publishAt > now) visible--;
    return visible;
  }

  /** Brings the index to the moment `now`: adds what became public, starts over if the clock went back (tests). */
  #catchUp(now: number, upTo = Number.POSITIVE_INFINITY): boolean {
    const visible = this.#visibleCount(now);
    if (visible < this.#indexed) {
      this.#postings = new Map();
      this.#sortedTerms = [];
      this.#indexed = 0;
    }
    const stop = Math.min(visible, this.#indexed + upTo);
    for (; this.#indexed < stop; this.#indexed++) this.#add(this.#indexed);
    return this.#indexed === visible;
  }

  /**
   * Indexes what is public at `now` in slices, letting other requests run in between: the first
   * search of a process with thousands of Notes would otherwise hold the server for seconds.
   */
  async prepare(now: number, slice = 200): Promise<void> {
    while (!this.#catchUp(now, slice)) await new Promise((resolve) => setTimeout(resolve, 0));
  }

  #add(docId: number): void {
    const { meta, body } = this.#docs[docId]!;
    const title = counts(meta.title);
    title.set(String(meta.number), (title.get(String(meta.number)) ?? 0) + 1);
    const summary = counts(meta.summary);
    const text = counts(searchableText(body));
    for (const term of new Set([...title.keys(), ...summary.keys(), ...text.keys()])) {
      const packed = (docId << WEIGHT_BITS)
        | (Math.min(FIELD_MAX, title.get(term) ?? 0) << (BODY_BITS + FIELD_BITS))
        | (Math.min(FIELD_MAX, summary.get(term) ?? 0) << BODY_BITS)
        | Math.min(BODY_MAX, text.get(term) ?? 0);
      const list = this.#postings.get(term);
      if (list) list.push(packed);
      else {
        this.#postings.set(term, [packed]);
        this.#sortedTerms = undefined;
      }
    }
  }

  /** The indexed words a query term stands for. */
  #expand(q: QueryTerm): string[] {
    if (!q.prefix) return this.#postings.has(q.term) ? [q.term] : [];
    const sorted = (this.#sortedTerms ??= [...this.#postings.keys()].sort());
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]! < q.term) lo = mid + 1;
      else hi = mid;
    }
    const found: string[] = [];
    for (let i = lo; i < sorted.length && sorted[i]!.startsWith(q.term); i++) found.push(sorted[i]!);
    return found;
  }

  /**
   * The visible Notes that contain every term (a term may be the start of a word), ranked: title
   * matches above summary above body, then the more recent. Snippets only for the Notes shown.
   */
  search(terms: readonly QueryTerm[], lang: string, now: number, limits: SearchLimits = {}): SearchResults {
    const { offset = 0, hits = 10, others: othersShown = 5 } = limits;
    this.#catchUp(now);
    const n = this.#indexed;
    const score = new Int32Array(n);
    const matched = new Uint8Array(n);
    const termScore = new Int32Array(n);
    const touched: number[] = [];
    for (const [i, q] of terms.entries()) {
      touched.length = 0;
      for (const word of this.#expand(q)) {
        const table = word === q.term ? EXACT : PREFIX;
        for (const packed of this.#postings.get(word)!) {
          const doc = packed >>> WEIGHT_BITS;
          if (matched[doc] !== i) continue;
          const s = table[packed & ((1 << WEIGHT_BITS) - 1)]!;
          if (termScore[doc] === 0) touched.push(doc);
          if (s > termScore[doc]!) termScore[doc] = s;
        }
      }
      for (const doc of touched) {
        matched[doc] = i + 1;
        score[doc] = score[doc]! + termScore[doc]!;
        termScore[doc] = 0;
      }
    }
    // Rank by one number: score first, then place (more recent). Sorting plain numbers is what
    // keeps a word found in every Note fast.
    const own = this.#langs.indexOf(lang);
    const mine: number[] = [];
    const theirs: number[] = [];
    for (let doc = 0; doc < n; doc++) {
      if (matched[doc] !== terms.length) continue;
      // The index only ever holds visible Notes; asking again costs little and keeps the rule in one place.
      if (!NoteCatalog.isVisible(this.#docs[doc]!.meta, now)) continue;
      (this.#langOf[doc] === own ? mine : theirs).push(score[doc]! * MAX_DOCS + doc);
    }
    const ranked = (keys: number[]) => Float64Array.from(keys).sort().reverse();
    const mineRanked = ranked(mine);
    const stamp = (this.#queries = (this.#queries % 2 ** 30) + 1);
    for (const key of mineRanked) this.#listedBy[this.#numberOf[key % MAX_DOCS]!] = stamp;
    // One Note per number among the others: its best-matching language, if the reader's has none.
    const others: number[] = [];
    let othersTotal = 0;
    for (const key of ranked(theirs)) {
      const doc = key % MAX_DOCS;
      if (this.#listedBy[this.#numberOf[doc]!] === stamp) continue;
      this.#listedBy[this.#numberOf[doc]!] = stamp;
      othersTotal++;
      if (others.length < othersShown) others.push(doc);
    }
    return {
      hits: [...mineRanked.subarray(offset, offset + hits)].map((key) => this.#hit(key % MAX_DOCS, terms)),
      total: mineRanked.length,
      others: others.map((doc) => this.#hit(doc, terms)),
      othersTotal,
    };
  }

  #hit(doc: number, terms: readonly QueryTerm[]): SearchHit {
    const { meta, body } = this.#docs[doc]!;
    return {
      note: meta,
      title: markText(meta.title, terms),
      summary: markText(meta.summary, terms),
      snippet: snippet(searchableText(body), terms),
    };
  }

  /** How many Notes the index holds now (for tests and the benchmark). */
  get size(): number {
    return this.#indexed;
  }
}
