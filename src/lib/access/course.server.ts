import { getCollection, type CollectionEntry } from 'astro:content';
import { lessonNumber, lessonOpensAt } from '../catalog/lessons.ts';
import { cohortOf, cohortTitle, type Product } from '../catalog/product.ts';
import { nowMs } from '../core/clock.ts';
import { deadlineLabel } from '../../i18n/format.ts';
import type { Lang } from '../../i18n/lang.ts';
import { doneLessons } from './progress.server.ts';

// A course's lessons: content/courses/<product>/<lang>/<NN>-<slug>.mdx, in file-name order, in the
// reader's language or else the default language's. Each opens `opens` days after the buyer's
// cohort starts (docs/decisions/032), checked against the one clock on every request.

export interface Lesson {
  slug: string;
  number: number;
  title: string;
  summary?: string;
  opens?: string;
  entry: CollectionEntry<'courses'>;
}

export async function lessonsOf(productId: string, lang: string, defaultLang: string): Promise<Lesson[]> {
  const all = await getCollection('courses', (e) => e.id.startsWith(`${productId}/`));
  const inLang = (l: string) =>
    all
      .filter((e) => e.id.split('/')[1] === l)
      .map((entry) => {
        const slug = entry.id.split('/')[2]!;
        return { slug, number: lessonNumber(slug), title: entry.data.title, summary: entry.data.summary, opens: entry.data.opens, entry };
      })
      .sort((a, b) => a.slug.localeCompare(b.slug));
  const own = inLang(lang);
  return own.length > 0 ? own : inLang(defaultLang);
}

export interface ScheduledLesson extends Lesson {
  opensAt: number;
  open: boolean;
  /** "9 a.m. on Monday, March 8, 2027 (Italy Time)" */
  opensLabel: string;
  done: boolean;
}

export interface CourseView {
  cohort?: { id: string; title: string; startsAt: number; startsLabel: string; started: boolean };
  lessons: ScheduledLesson[];
  done: number;
}

/** The lessons as one buyer sees them now (a purchase without a cohort opens everything at once): which are open, when the others open, which are done. */
export async function courseView(email: string, product: Product, cohortId: string | null | undefined, lang: Lang, defaultLang: string): Promise<CourseView> {
  const now = nowMs();
  const cohort = cohortOf(product, cohortId);
  const done = new Set((await doneLessons(email, product.id)).map((d) => d.lesson));
  const lessons = (await lessonsOf(product.id, lang, defaultLang)).map((l): ScheduledLesson => {
    const opensAt = cohort ? lessonOpensAt(cohort.starts.at, l.opens, product.timeZone) : 0;
    return { ...l, opensAt, open: now >= opensAt, opensLabel: deadlineLabel(lang, opensAt, product.timeZone, now), done: done.has(l.number) };
  });
  return {
    cohort: cohort && { id: cohort.id, title: cohortTitle(cohort, lang, defaultLang), startsAt: cohort.starts.at, startsLabel: deadlineLabel(lang, cohort.starts.at, product.timeZone, now), started: now >= cohort.starts.at },
    lessons,
    done: lessons.filter((l) => l.done).length,
  };
}
