import type { NoteMeta } from './catalog.ts';

// Topics are the `tags` of the Notes' frontmatter, one page per topic and language. Pure: the
// caller passes the Notes a reader may see (NoteCatalog.visible at the request's moment), so a
// draft or scheduled Note never makes a topic exist, counts in it, or is suggested.

/**
 * "Goal setting" → "goal-setting", "Perché" → "perche": the URL of a topic. Tags spelled
 * differently but with the same slug are one topic. undefined: a tag with no letter or digit.
 */
export function topicSlug(tag: string): string | undefined {
  const slug = tag
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
  return slug === '' ? undefined : slug;
}

export interface Topic {
  slug: string;
  /** the tag as the newest Note carrying it spells it */
  name: string;
  /** its Notes, in the order given (newest first) */
  notes: NoteMeta[];
}

/** The topics of these Notes, by how many Notes they have, then by name. */
export function topicsOf(notes: readonly NoteMeta[], lang: string): Topic[] {
  const bySlug = new Map<string, Topic>();
  for (const note of notes) {
    const seen = new Set<string>();
    for (const tag of note.tags) {
      const slug = topicSlug(tag);
      if (!slug || seen.has(slug)) continue;
      seen.add(slug);
      const topic = bySlug.get(slug) ?? { slug, name: tag.trim(), notes: [] };
      topic.notes.push(note);
      bySlug.set(slug, topic);
    }
  }
  const collator = new Intl.Collator(lang);
  return [...bySlug.values()].sort((a, b) => b.notes.length - a.notes.length || collator.compare(a.name, b.name));
}

// "Continue reading" asks every visible Note's topics on each Note page's first render: at 5,000
// Notes that is millions of slugs, so each Note's are worked out once.
const topicsMemo = new WeakMap<object, { slug: string; name: string }[]>();

/** The topics of one Note, as links: slug and its own spelling. */
export function noteTopics(note: Pick<NoteMeta, 'tags'>): { slug: string; name: string }[] {
  const known = topicsMemo.get(note);
  if (known) return known;
  const out = new Map<string, string>();
  for (const tag of note.tags) {
    const slug = topicSlug(tag);
    if (slug && !out.has(slug)) out.set(slug, tag.trim());
  }
  const topics = [...out].map(([slug, name]) => ({ slug, name }));
  topicsMemo.set(note, topics);
  return topics;
}

/**
 * "Continue reading" under a Note: first the Notes linked to it by a NoteRef either way (it cites
 * them, or they cite it), then those sharing more of its topics, and within each the newest.
 * `candidates` are the Notes a reader may see in the Note's language; the Note itself is left out.
 */
export function continueReading(note: NoteMeta, candidates: readonly NoteMeta[], count: number): NoteMeta[] {
  const own = new Set(noteTopics(note).map((t) => t.slug));
  const cites = new Set(note.cites ?? []);
  const scored = candidates
    .filter((n) => n.number !== note.number)
    .map((n) => {
      const linked = cites.has(n.number) || (n.cites ?? []).includes(note.number);
      let shared = 0;
      for (const t of noteTopics(n)) if (own.has(t.slug)) shared++;
      return { n, linked: linked ? 1 : 0, shared };
    });
  scored.sort((a, b) => b.linked - a.linked || b.shared - a.shared || b.n.publishAt - a.n.publishAt || b.n.number - a.n.number);
  return scored.slice(0, count).map((s) => s.n);
}

/**
 * The same topic in other languages, for hreflang (docs/decisions/035). Tags are words of one
 * language, so "goals" and "obiettivi" are one topic only by what the author did: a topic is its
 * own counterpart where both languages spell its slug alike ("focus"), and otherwise the tag that
 * stands at the same place in the translations of its Notes, when most of its translated Notes
 * say so and that tag's Notes say the same back. `byLang`: the Notes a reader may see now in each
 * language (newest first, as NoteCatalog.visible gives them). Keyed "<lang>/<slug>".
 */
export function topicCounterparts(byLang: ReadonlyMap<string, readonly NoteMeta[]>): Map<string, { lang: string; slug: string }[]> {
  const slugsOf = new Map<string, Set<string>>();
  for (const [lang, notes] of byLang) slugsOf.set(lang, new Set(notes.flatMap((n) => noteTopics(n).map((t) => t.slug))));
  const out = new Map<string, { lang: string; slug: string }[]>();
  const add = (a: string, slugA: string, b: string, slugB: string) => {
    const key = `${a}/${slugA}`;
    out.set(key, [...(out.get(key) ?? []), { lang: b, slug: slugB }]);
  };
  const langs = [...byLang.keys()];
  for (const [i, a] of langs.entries()) {
    for (const b of langs.slice(i + 1)) {
      const inA = slugsOf.get(a)!;
      const inB = slugsOf.get(b)!;
      // votes.get(x).get(y): how many translated pairs carry x in a and y in b at the same place.
      const votesAB = new Map<string, Map<string, number>>();
      const votesBA = new Map<string, Map<string, number>>();
      const vote = (votes: Map<string, Map<string, number>>, x: string, y: string) => {
        const row = votes.get(x) ?? new Map<string, number>();
        row.set(y, (row.get(y) ?? 0) + 1);
        votes.set(x, row);
      };
      const bByNumber = new Map(byLang.get(b)!.map((n) => [n.number, n]));
      for (const na of byLang.get(a)!) {
        const nb = bByNumber.get(na.number);
        if (!nb) continue;
        const ta = na.tags.map(topicSlug);
        const tb = nb.tags.map(topicSlug);
        for (let k = 0; k < Math.min(ta.length, tb.length); k++) {
          const x = ta[k];
          const y = tb[k];
          if (x === undefined || y === undefined) continue;
          vote(votesAB, x, y);
          vote(votesBA, y, x);
        }
      }
      // The one clear favourite of a row: more votes than any other and than half the row's total.
      const favourite = (row: Map<string, number> | undefined): string | undefined => {
        if (!row) return undefined;
        let best: string | undefined;
        let bestN = 0;
        let tie = false;
        let total = 0;
        for (const [y, n] of row) {
          total += n;
          if (n > bestN) [best, bestN, tie] = [y, n, false];
          else if (n === bestN) tie = true;
        }
        return !tie && bestN * 2 > total ? best : undefined;
      };
      for (const x of inA) {
        if (inB.has(x)) {
          add(a, x, b, x);
          add(b, x, a, x);
          continue;
        }
        const y = favourite(votesAB.get(x));
        // A tag both languages spell alike is already its own counterpart.
        if (y === undefined || !inB.has(y) || inA.has(y) || favourite(votesBA.get(y)) !== x) continue;
        add(a, x, b, y);
        add(b, y, a, x);
      }
    }
  }
  return out;
}
