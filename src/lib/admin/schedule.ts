import type { Lang, SiteConfig } from '../core/site.ts';
import { nextWeeklySlot } from '../core/time.ts';
import { NoteCatalog, type NoteMeta } from '../notes/catalog.ts';
import { dueNote, plansForNote, slotFor, type SendPlan } from '../newsletter/plan.ts';

// What the newsletter schedule will do next, by the same rules the scheduler follows
// (src/lib/newsletter/plan.ts): the newest Note whose slot has come goes out in that slot.

export interface ScheduledSend {
  noteNumber: number;
  /** the slot it goes out in */
  at: number;
  /** one plan per subscriber language, as they will be at that moment */
  plans: SendPlan[];
  /** the Note's versions readers will see then, by language */
  versions: Partial<Record<Lang, NoteMeta>>;
}

export interface Schedule {
  /** a send whose slot has come (within the grace period): running, or about to */
  due?: ScheduledSend;
  /** the next slot that has a Note waiting for it */
  upcoming?: ScheduledSend;
  /** the next slot, whether or not a Note waits for it */
  nextSlot: number;
}

type SiteSchedule = Pick<SiteConfig, 'languages' | 'defaultLanguage' | 'timeZone' | 'newsletter'>;

function scheduled(catalog: NoteCatalog, site: SiteSchedule, noteNumber: number, at: number): ScheduledSend {
  const plans = plansForNote(catalog, noteNumber, site.languages, site.defaultLanguage, at);
  const versions: ScheduledSend['versions'] = {};
  for (const n of catalog.all()) if (n.number === noteNumber && NoteCatalog.isVisible(n, at)) versions[n.lang] = n;
  return { noteNumber, at, plans, versions };
}

export function newsletterSchedule(catalog: NoteCatalog, site: SiteSchedule, now: number): Schedule {
  const slot = site.newsletter.schedule;
  const due = dueNote(catalog, site.defaultLanguage, slot, site.timeZone, now);
  // The Note a future slot will pick: the newest one public by then whose own slot it is.
  let upcoming: { number: number; at: number } | undefined;
  for (const n of catalog.all()) {
    if (n.draft) continue;
    const at = slotFor(n, slot, site.timeZone);
    if (at <= now) continue;
    if (!upcoming || at < upcoming.at || (at === upcoming.at && n.number > upcoming.number)) upcoming = { number: n.number, at };
  }
  return {
    due: due ? scheduled(catalog, site, due.number, slotFor(due, slot, site.timeZone)) : undefined,
    upcoming: upcoming ? scheduled(catalog, site, upcoming.number, upcoming.at) : undefined,
    nextSlot: nextWeeklySlot(now, slot, site.timeZone),
  };
}
