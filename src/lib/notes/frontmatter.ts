import { z } from 'zod';
import { offsetMomentToEpoch } from '../core/time.ts';

// `date` is the publication moment: "2026-11-30" (midnight) or "2026-11-30 07:00" in the site's
// time zone, or a moment with its own offset, "2026-12-07T07:00:00+01:00" (what most static-site
// tools write). Both YAML readers (Astro's and ours, validate.ts) turn unquoted timestamps into
// Dates: a bare day arrives at UTC midnight and is read back as the calendar day it names; one
// with a time and a zone arrives as the instant it names, so no form changes its meaning when quoted.
const WALL_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/;

export const DATE_FORMS = 'a date like 2026-11-30, "2026-11-30 07:00" (the site\'s time zone) or 2026-11-30T07:00:00+01:00';

export interface PublishMoment {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** A wall time of the site's zone ("2026-11-30", "2026-11-30 07:00"); undefined for anything else. */
export function parsePublishMoment(value: string): PublishMoment | undefined {
  const m = WALL_RE.exec(value.trim());
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1).map((v) => Number(v ?? 0)) as [
    number, number, number, number, number, number,
  ];
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  return { year, month, day, hour, minute, second };
}

/** What a valid `date` names: a wall time of the site's zone, or an instant of its own. */
export function parsePublishDate(value: string): { wall: PublishMoment } | { epochMs: number } | undefined {
  const wall = parsePublishMoment(value);
  if (wall) return { wall };
  const epochMs = offsetMomentToEpoch(value.trim());
  return epochMs === undefined ? undefined : { epochMs };
}

function dateToPublishString(d: Date): string {
  const iso = d.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
}

/** A value as the author wrote it, for messages. */
function shown(v: unknown): string {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? 'an invalid date' : v.toISOString();
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return 'a list';
  if (v === null) return 'empty';
  if (typeof v === 'object') return 'a group of fields';
  return String(v);
}

export const publishDateSchema = z
  .union([z.string(), z.date()], { error: (iss) => (iss.input === undefined ? `missing; write ${DATE_FORMS}` : `${shown(iss.input)} is not ${DATE_FORMS}`) })
  .transform((v, ctx) => {
    if (v instanceof Date && Number.isNaN(v.getTime())) {
      ctx.addIssue({ code: 'custom', message: `not ${DATE_FORMS}` });
      return z.NEVER;
    }
    const text = v instanceof Date ? dateToPublishString(v) : v.trim();
    if (!parsePublishDate(text)) {
      ctx.addIssue({ code: 'custom', message: `"${text}" is not ${DATE_FORMS}` });
      return z.NEVER;
    }
    return text;
  });

/** A line of text (title, summary): each zod issue as one sentence that follows "field: ". */
function line(example: string, max: number) {
  return z
    .string({ error: (iss) => (iss.input === undefined ? `missing; write one line, e.g. ${example}` : `one line of text in quotes, e.g. ${example}, not ${shown(iss.input)}`) })
    .trim()
    .min(1, `empty; write one line, e.g. ${example}`)
    .max(max, { error: (iss) => `${String(iss.input).length} characters; at most ${max}` });
}

/** `tags: goals, rhythm` is one string; say what a list looks like, with the author's own words. */
function listExample(input: unknown): string {
  const words = typeof input === 'string' ? input.split(',').map((w) => w.trim()).filter(Boolean) : [];
  return `[${(words.length > 0 ? words : ['goals', 'rhythm']).join(', ')}]`;
}

export const noteFrontmatterSchema = z.object({
  number: z
    .number({ error: (iss) => (iss.input === undefined ? 'missing; write the number the file name starts with, e.g. number: 207' : `a whole number like 207, not ${shown(iss.input)}`) })
    .int({ error: (iss) => `a whole number like 207, not ${shown(iss.input)}` })
    .positive({ error: (iss) => `a whole number from 1 up, not ${shown(iss.input)}` }),
  title: line('title: "Three steps to a goal you keep"', 200),
  date: publishDateSchema,
  summary: line('summary: "One or two sentences for the archive."', 400),
  tags: z
    .array(
      z
        .string({ error: (iss) => `each tag is a word or two of text, not ${shown(iss.input)}` })
        .trim()
        .min(1, 'a tag is empty')
        .max(40, { error: (iss) => `the tag ${shown(iss.input)} is longer than 40 characters` }),
      { error: (iss) => `a list like ${listExample(iss.input)}` },
    )
    .max(12, { error: (iss) => (Array.isArray(iss.input) ? `${iss.input.length} tags; at most 12` : `a list like ${listExample(iss.input)}`) })
    .default([]),
  draft: z.boolean({ error: (iss) => `true or false, not ${shown(iss.input)}` }).default(false),
});

export type NoteFrontmatter = z.infer<typeof noteFrontmatterSchema>;

export const NOTE_FIELDS = Object.keys(noteFrontmatterSchema.shape);

// Names other tools use for our fields.
const ALIASES: Record<string, string> = { description: 'summary', pubDate: 'date', publishDate: 'date', categories: 'tags' };

/** Edit distance with transpositions ("titel" is one step from "title"). */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

function nearestField(key: string): string | undefined {
  if (ALIASES[key]) return ALIASES[key];
  let best: { field: string; d: number } | undefined;
  for (const field of NOTE_FIELDS) {
    const d = distance(key.toLowerCase(), field);
    if (d <= (field.length >= 5 ? 2 : 1) && (!best || d < best.d)) best = { field, d };
  }
  return best?.field;
}

/**
 * A Note's frontmatter checked, or one sentence per mistake, each naming its field: an unknown
 * field is named (with the field it was probably meant to be), and a misspelt field is not
 * reported a second time as missing.
 */
export function checkFrontmatter(data: unknown): { frontmatter?: NoteFrontmatter; problems: string[] } {
  if (typeof data !== 'object' || data === null || Array.isArray(data) || data instanceof Date) {
    return { problems: [`frontmatter: fields one per line, like title: "…" (${NOTE_FIELDS.join(', ')})`] };
  }
  const fields = data as Record<string, unknown>;
  const problems: string[] = [];
  const meant = new Set<string>();
  for (const key of Object.keys(fields)) {
    if (NOTE_FIELDS.includes(key)) continue;
    const near = nearestField(key);
    if (near) meant.add(near);
    problems.push(near ? `unknown field ${key}; did you mean ${near}?` : `unknown field ${key} (a Note's fields: ${NOTE_FIELDS.join(', ')})`);
  }
  const result = noteFrontmatterSchema.safeParse(fields);
  if (result.success) return problems.length > 0 ? { problems } : { frontmatter: result.data, problems };
  const reported = new Set<string>();
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? 'frontmatter');
    if (reported.has(field) || (meant.has(field) && fields[field] === undefined)) continue;
    reported.add(field);
    problems.push(`${field}: ${issue.message}`);
  }
  return { problems };
}

/** "<number>-<slug>.mdx" -> its parts; the slug is what the URL shows after the number. */
export function parseNoteFileName(fileName: string): { number: number; slug: string } | undefined {
  const m = /^(\d+)-([a-z0-9]+(?:-[a-z0-9]+)*)\.mdx?$/.exec(fileName);
  return m ? { number: Number(m[1]), slug: m[2]! } : undefined;
}
