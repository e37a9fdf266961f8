import { z } from 'zod';
import { addDaysInZone } from '../core/time.ts';

// A course lesson's frontmatter: content/courses/<product>/<lang>/<NN>-<slug>.mdx. `opens` is when
// the lesson opens for a cohort, in days after the cohort's start ("0d", "7d"); without it the
// lesson opens at the start. The NN of the file name is the lesson, the same in every language.

export const OPENS_FORM = 'a number of days after the cohort starts, like 0d, 7d or 14d';
const OPENS_RE = /^(\d{1,3})d$/;

/** "7d" → 7; undefined for anything else (the build refuses it, content-check.ts). */
export function parseOpens(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = OPENS_RE.exec(value.trim());
  return m ? Number(m[1]) : undefined;
}

export const lessonFrontmatterSchema = z.object({
  title: z.string().min(1),
  summary: z.string().optional(),
  opens: z
    .string()
    .refine((v) => parseOpens(v) !== undefined, `opens: expected ${OPENS_FORM}`)
    .optional(),
});

/** The lesson number a file name starts with: "02-the-first-writing-session" → 2. */
export function lessonNumber(slug: string): number {
  return Number.parseInt(slug, 10) || 0;
}

/** What is wrong with one lesson's frontmatter, or undefined. */
export function lessonProblem(data: unknown): string | undefined {
  const result = lessonFrontmatterSchema.safeParse(data);
  if (result.success) return undefined;
  const issue = result.error.issues[0]!;
  const field = issue.path.join('.');
  if (field === 'opens') return `opens: ${JSON.stringify((data as { opens?: unknown }).opens)} is not ${OPENS_FORM}`;
  return `${field || '(root)'}: ${issue.message}`;
}

/** When a lesson opens for a cohort starting at `startsAt`: the same wall time, `days` calendar days later, in the product's zone. */
export function lessonOpensAt(startsAt: number, opens: string | undefined, timeZone: string): number {
  return addDaysInZone(startsAt, parseOpens(opens) ?? 0, timeZone);
}
