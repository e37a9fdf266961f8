import type { SEND_STATES } from '../core/db/schema.ts';
import type { Lang, SiteConfig } from '../core/site.ts';
import { NoteCatalog, type NoteMeta } from '../notes/catalog.ts';
import { slotFor } from '../newsletter/plan.ts';

// The author's list of Notes: what readers see now, what waits for its moment and which send it
// goes out in, what is a draft, what lacks a translation. Pure: the catalog, the sends and the
// time are passed in.

export type VersionState = 'published' | 'waiting' | 'draft';

export interface NoteVersion {
  lang: Lang;
  title: string;
  state: VersionState;
  publishAt: number;
  note: NoteMeta;
}

export interface SendState {
  lang: string;
  state: (typeof SEND_STATES)[number];
  sent: number;
  recipients: number;
}

export type Newsletter =
  /** every language group done (some may have been cancelled) */
  | { kind: 'sent'; sends: SendState[] }
  | { kind: 'sending'; sends: SendState[] }
  /** the author paused a language group, before or during its send: nothing more goes out until resumed */
  | { kind: 'paused'; sends: SendState[] }
  /** every language group cancelled */
  | { kind: 'cancelled'; sends: SendState[] }
  /** the slot it goes out in */
  | { kind: 'waiting'; at: number }
  /** a higher-numbered Note has the same slot: the schedule mails that one instead */
  | { kind: 'overtaken'; at: number; by: number }
  /** its slot passed without a send (before the newsletter ran, or more than a day late) */
  | { kind: 'missed'; at: number }
  | { kind: 'draft' };

export interface NoteRow {
  number: number;
  versions: NoteVersion[];
  missing: Lang[];
  newsletter: Newsletter;
}

type SiteNotes = Pick<SiteConfig, 'languages' | 'defaultLanguage' | 'timeZone' | 'newsletter'>;

function stateOf(note: NoteMeta, now: number): VersionState {
  return note.draft ? 'draft' : NoteCatalog.isVisible(note, now) ? 'published' : 'waiting';
}

/** What is still to come wins: a paused group is not "sent" because another one is done. */
function sendsKind(sends: readonly SendState[]): 'sending' | 'paused' | 'cancelled' | 'sent' {
  if (sends.some((s) => s.state === 'sending')) return 'sending';
  if (sends.some((s) => s.state === 'paused')) return 'paused';
  return sends.every((s) => s.state === 'cancelled') ? 'cancelled' : 'sent';
}

export function notesOverview(catalog: NoteCatalog, site: SiteNotes, now: number, sends: readonly (SendState & { noteNumber: number })[]): NoteRow[] {
  const byNumber = new Map<number, NoteMeta[]>();
  for (const n of catalog.all()) byNumber.set(n.number, [...(byNumber.get(n.number) ?? []), n]);
  const slot = site.newsletter.schedule;
  // The schedule's own reading: a Note's slot comes from the version it finds first (the default
  // language, else any), and in each slot the highest number wins.
  const slotOf = new Map<number, number>();
  for (const [number, versions] of byNumber) {
    const live = versions.filter((v) => !v.draft).sort((a, b) => Number(b.lang === site.defaultLanguage) - Number(a.lang === site.defaultLanguage) || a.publishAt - b.publishAt);
    if (live[0]) slotOf.set(number, slotFor(live[0], slot, site.timeZone));
  }
  const winner = new Map<number, number>();
  for (const [number, at] of slotOf) winner.set(at, Math.max(winner.get(at) ?? 0, number));

  return [...byNumber.entries()]
    .sort(([a], [b]) => b - a)
    .map(([number, notes]) => {
      const versions = site.languages.flatMap((lang) => {
        const note = notes.find((n) => n.lang === lang);
        return note ? [{ lang, title: note.title, state: stateOf(note, now), publishAt: note.publishAt, note }] : [];
      });
      const missing = site.languages.filter((lang) => !notes.some((n) => n.lang === lang));
      const mine = sends.filter((s) => s.noteNumber === number).map(({ noteNumber: _n, ...s }) => s);
      const at = slotOf.get(number);
      let newsletter: Newsletter;
      if (mine.length > 0) newsletter = { kind: sendsKind(mine), sends: mine };
      else if (at === undefined) newsletter = { kind: 'draft' };
      else if (winner.get(at) !== number) newsletter = { kind: 'overtaken', at, by: winner.get(at)! };
      else newsletter = at > now ? { kind: 'waiting', at } : { kind: 'missed', at };
      return { number, versions, missing, newsletter };
    });
}
