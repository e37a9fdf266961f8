import { z } from 'zod';

// `date` is the publication moment, read in the site's time zone: "2026-11-30" (midnight) or
// "2026-11-30 07:00". YAML turns an unquoted date into a Date at UTC midnight, so a Date is
// accepted too and read back as the calendar day it names.
const PUBLISH_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/;

export interface PublishMoment {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export function parsePublishMoment(value: string): PublishMoment | undefined {
  const m = PUBLISH_RE.exec(value.trim());
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1).map((v) => Number(v ?? 0)) as [
    number, number, number, number, number, number,
  ];
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  return { year, month, day, hour, minute, second };
}

function dateToPublishString(d: Date): string {
  const iso = d.toISOString();
  // A YAML timestamp with a time part is read as UTC wall time; a bare date has none.
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

export const publishDateSchema = z
  .union([z.string(), z.date()])
  .transform((v, ctx) => {
    if (v instanceof Date && Number.isNaN(v.getTime())) {
      ctx.addIssue({ code: 'custom', message: 'not a valid date' });
      return z.NEVER;
    }
    const text = v instanceof Date ? dateToPublishString(v) : v.trim();
    if (!parsePublishMoment(text)) {
      ctx.addIssue({ code: 'custom', message: `"${text}" is not a date like 2026-11-30 or 2026-11-30 07:00` });
      return z.NEVER;
    }
    return text;
  });

export const noteFrontmatterSchema = z.object({
  number: z.number({ error: 'number is required and must be a whole number' }).int().positive(),
  title: z.string({ error: 'title is required' }).trim().min(1, 'title is required').max(200),
  date: publishDateSchema,
  summary: z.string({ error: 'summary is required' }).trim().min(1, 'summary is required').max(400),
  tags: z.array(z.string().trim().min(1).max(40)).max(12).default([]),
  draft: z.boolean().default(false),
});

export type NoteFrontmatter = z.infer<typeof noteFrontmatterSchema>;

/** "<number>-<slug>.mdx" -> its parts; the slug is what the URL shows after the number. */
export function parseNoteFileName(fileName: string): { number: number; slug: string } | undefined {
  const m = /^(\d+)-([a-z0-9]+(?:-[a-z0-9]+)*)\.mdx?$/.exec(fileName);
  return m ? { number: Number(m[1]), slug: m[2]! } : undefined;
}
