import type { NoteCatalog, NoteMeta } from '../notes/catalog.ts';
import { nextWeeklySlot, type WeeklySlot } from '../core/time.ts';
import type { Lang } from '../../i18n/lang.ts';

/** A send that may be late by this much (server down over the slot) and still go out. */
export const SEND_GRACE_MS = 24 * 3_600_000;

export interface SendPlan {
  noteNumber: number;
  /** the subscribers' language group */
  lang: Lang;
  /** the language of the Note version they get */
  noteLang: Lang;
  fallback: boolean;
}

/** The newsletter slot a Note goes out in: the first slot at or after it becomes public. */
export function slotFor(note: NoteMeta, slot: WeeklySlot, timeZone: string): number {
  return nextWeeklySlot(note.publishAt - 1, slot, timeZone);
}

/** One plan per subscriber language: their version of the Note, or the original with a notice. */
export function plansForNote(catalog: NoteCatalog, number: number, languages: readonly Lang[], defaultLanguage: Lang, now: number): SendPlan[] {
  return languages.flatMap((lang) => {
    const own = catalog.find(lang, number, now);
    const original = own ?? catalog.find(defaultLanguage, number, now) ?? catalog.all().find((n) => n.number === number && !n.draft && n.publishAt <= now);
    if (!original) return [];
    return [{ noteNumber: number, lang, noteLang: original.lang, fallback: !own }];
  });
}

/**
 * What the schedule says is due now: the newest public Note whose slot has come within the
 * grace period. Older Notes are never mailed by the schedule (a fresh install does not mail the
 * archive).
 */
export function dueNote(catalog: NoteCatalog, defaultLanguage: Lang, slot: WeeklySlot, timeZone: string, now: number): NoteMeta | undefined {
  const candidates = new Map<number, NoteMeta>();
  for (const lang of new Set([defaultLanguage, ...catalog.all().map((n) => n.lang)])) {
    for (const n of catalog.visible(lang, now)) if (!candidates.has(n.number)) candidates.set(n.number, n);
  }
  return [...candidates.values()]
    .sort((a, b) => b.number - a.number)
    .find((n) => {
      const at = slotFor(n, slot, timeZone);
      return at <= now && now < at + SEND_GRACE_MS;
    });
}

/** Whether readers can see a Note version yet: what the author's preview and test copy say of it. */
export type NoteVisibility = 'public' | 'scheduled' | 'draft';

export interface PreviewPlan extends SendPlan {
  /** of the version rendered (noteLang) */
  visibility: NoteVisibility;
  publishAt: number;
}

/**
 * One plan per subscriber language for the author's preview or test copy: like plansForNote, but
 * any version counts, draft or scheduled, so the author reads Monday's email before readers do.
 * Only the real send (plansForNote) needs the version to be public.
 */
export function previewPlansForNote(catalog: NoteCatalog, number: number, languages: readonly Lang[], defaultLanguage: Lang, now: number): PreviewPlan[] {
  const versions = catalog.all().filter((n) => n.number === number);
  return languages.flatMap((lang) => {
    const own = versions.find((n) => n.lang === lang);
    const original = own ?? versions.find((n) => n.lang === defaultLanguage) ?? versions[0];
    if (!original) return [];
    const visibility: NoteVisibility = original.draft ? 'draft' : original.publishAt <= now ? 'public' : 'scheduled';
    return [{ noteNumber: number, lang, noteLang: original.lang, fallback: !own, visibility, publishAt: original.publishAt }];
  });
}
