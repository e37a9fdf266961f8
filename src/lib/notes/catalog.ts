import type { Lang } from '../core/site.ts';

export interface NoteMeta {
  /** content collection id, e.g. "en/205-three-steps" */
  id: string;
  lang: Lang;
  number: number;
  slug: string;
  title: string;
  summary: string;
  tags: string[];
  /** the Note numbers its body cites with <NoteRef> (none when unknown) */
  cites?: number[];
  draft: boolean;
  /** publication moment as the author wrote it, in the site's time zone */
  date: string;
  publishAt: number;
  readingSeconds: number;
  file: string;
}

const MAX_CACHE_SECONDS = 3600;

/** Notes per archive page. */
export const NOTES_PER_PAGE = 10;

/** "205-three-steps" or "205" -> the number and (maybe) the slug asked for. */
export function parseNoteParam(param: string | undefined): { number: number; slug?: string } | undefined {
  const m = /^(\d{1,6})(?:-([a-z0-9-]+))?$/.exec(param ?? '');
  return m ? { number: Number(m[1]), slug: m[2] } : undefined;
}

/**
 * Every Note known to the build, and the one rule for what a reader may see: not a draft, and
 * its publication moment has come. Asking with the current time (not build time) is what makes
 * scheduled Notes appear without a rebuild.
 */
export class NoteCatalog {
  readonly #byLang = new Map<string, NoteMeta[]>();
  readonly #byNumber = new Map<number, NoteMeta[]>();
  readonly #publishMoments: number[];

  constructor(notes: readonly NoteMeta[]) {
    const sorted = [...notes].sort((a, b) => b.number - a.number);
    for (const n of sorted) {
      if (!this.#byLang.has(n.lang)) this.#byLang.set(n.lang, []);
      this.#byLang.get(n.lang)!.push(n);
      if (!this.#byNumber.has(n.number)) this.#byNumber.set(n.number, []);
      this.#byNumber.get(n.number)!.push(n);
    }
    this.#publishMoments = [...new Set(notes.filter((n) => !n.draft).map((n) => n.publishAt))].sort((a, b) => a - b);
  }

  static isVisible(note: NoteMeta, now: number): boolean {
    return !note.draft && note.publishAt <= now;
  }

  /** Visible Notes in a language, newest (highest number) first. */
  visible(lang: string, now: number): NoteMeta[] {
    return (this.#byLang.get(lang) ?? []).filter((n) => NoteCatalog.isVisible(n, now));
  }

  /** How many archive pages a language has (at least one, even when empty). */
  archivePages(lang: string, now: number): number {
    return Math.max(1, Math.ceil(this.visible(lang, now).length / NOTES_PER_PAGE));
  }

  /** The languages whose archive has this page: the hreflang alternates of that page. */
  languagesWithArchivePage<L extends string>(languages: readonly L[], page: number, now: number): L[] {
    return languages.filter((l) => this.archivePages(l, now) >= page);
  }

  latest(lang: string, now: number): NoteMeta | undefined {
    return this.visible(lang, now)[0];
  }

  /** A visible Note by language and number. */
  find(lang: string, number: number, now: number): NoteMeta | undefined {
    const note = this.#byLang.get(lang)?.find((n) => n.number === number);
    return note && NoteCatalog.isVisible(note, now) ? note : undefined;
  }

  /** Whether a Note with this number exists at all (any language, any state): for build checks. */
  exists(number: number): boolean {
    return this.#byNumber.has(number);
  }

  /** The other visible languages of the same Note. */
  translations(note: NoteMeta, now: number): NoteMeta[] {
    return (this.#byNumber.get(note.number) ?? []).filter((n) => n.lang !== note.lang && NoteCatalog.isVisible(n, now));
  }

  /** The visible Notes before this one in its language, newest first. */
  previous(note: NoteMeta, now: number, count: number): NoteMeta[] {
    return this.visible(note.lang, now)
      .filter((n) => n.number < note.number)
      .slice(0, count);
  }

  /** The next moment at which what readers see changes, if any is scheduled. */
  nextChangeAfter(now: number): number | undefined {
    return this.#publishMoments.find((t) => t > now);
  }

  /**
   * How long a page built from the catalog stays true: until the next scheduled Note appears,
   * at most an hour.
   */
  cacheSeconds(now: number): number {
    const next = this.nextChangeAfter(now);
    if (next === undefined) return MAX_CACHE_SECONDS;
    return Math.max(0, Math.min(MAX_CACHE_SECONDS, Math.floor((next - now) / 1000)));
  }

  all(): NoteMeta[] {
    return [...this.#byLang.values()].flat();
  }
}
