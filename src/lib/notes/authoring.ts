import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify as yamlString } from 'yaml';
import type { SiteConfig } from '../core/site.ts';
import { isLang } from '../../i18n/lang.ts';
import { parseNoteFileName, publishDateSchema } from './frontmatter.ts';
import { publishInstant } from './publish.ts';
import { formatWallTime, nextWeeklySlot } from '../core/time.ts';
import { scanNotes, splitFrontmatter } from './validate.ts';

export class AuthoringError extends Error {}

/** "Perché l'OKR? Tre passi!" -> "perche-l-okr-tre-passi" */
export function slugify(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/g, '');
  return slug || 'note';
}

function noteFiles(contentDir: string): { lang: string; file: string; number: number }[] {
  const notesDir = path.join(contentDir, 'notes');
  if (!existsSync(notesDir)) return [];
  return readdirSync(notesDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) =>
      readdirSync(path.join(notesDir, d.name)).flatMap((f) => {
        const parsed = parseNoteFileName(f);
        return parsed ? [{ lang: d.name, file: path.join(notesDir, d.name, f), number: parsed.number }] : [];
      }),
    );
}

/** Numbers pair translations, so the next Note takes the next number free in every language. */
export function nextNoteNumber(contentDir: string): number {
  return Math.max(0, ...noteFiles(contentDir).map((n) => n.number)) + 1;
}

function frontmatterBlock(data: Record<string, unknown>): string {
  return `---\n${yamlString(data, { lineWidth: 0, defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN' }).trimEnd()}\n---\n`;
}

export interface CreatedNote {
  file: string;
  number: number;
  date: string;
  /** a translation without --title keeps the original's slug in its file name (and so its URL) */
  keptSlug?: string;
}

export function createNote(contentDir: string, site: SiteConfig, opts: { lang: string; title: string; now: number }): CreatedNote {
  const title = opts.title.trim();
  if (!title) throw new AuthoringError('--title must not be empty');
  if (title.length > 200) throw new AuthoringError('--title is longer than 200 characters');
  if (!isLang(opts.lang, site.languages)) {
    throw new AuthoringError(`unknown language "${opts.lang}" (content/site.yaml languages: ${site.languages.join(', ')})`);
  }
  if (opts.lang !== site.defaultLanguage) {
    throw new AuthoringError(`new Notes start in ${site.defaultLanguage}; write the original, then run: drumbeat note translate <number> --lang ${opts.lang}`);
  }
  const number = nextNoteNumber(contentDir);
  // The next newsletter slot after both now and the latest scheduled Note.
  const { notes } = scanNotes(contentDir, site.languages, site.defaultLanguage);
  const latest = Math.max(opts.now, ...notes.map((n) => publishInstant(n.frontmatter.date, site.timeZone)));
  const date = formatWallTime(nextWeeklySlot(latest, site.newsletter.schedule, site.timeZone), site.timeZone);
  const dir = path.join(contentDir, 'notes', opts.lang);
  const file = path.join(dir, `${number}-${slugify(title)}.mdx`);
  mkdirSync(dir, { recursive: true });
  const body = `${frontmatterBlock({ number, title, date, summary: 'One or two sentences for the archive, feeds and the newsletter preview.', tags: [], draft: true })}
{/* Drafts never appear. Remove "draft: true" when this Note is ready: it goes public at ${date} (${site.timeZone}) and the Monday newsletter mails it. */}

Write here. Cite another Note with <NoteRef n={${Math.max(1, number - 1)}} />.
`;
  writeFileSync(file, body, { flag: 'wx' });
  return { file, number, date };
}

export function createTranslation(
  contentDir: string,
  site: SiteConfig,
  opts: { number: number; lang: string; title?: string },
): CreatedNote {
  if (!isLang(opts.lang, site.languages)) {
    throw new AuthoringError(`unknown language "${opts.lang}" (content/site.yaml languages: ${site.languages.join(', ')})`);
  }
  const files = noteFiles(contentDir).filter((n) => n.number === opts.number);
  const original = files.find((n) => n.lang === site.defaultLanguage);
  if (!original) throw new AuthoringError(`Note ${opts.number} has no original in content/notes/${site.defaultLanguage}/`);
  if (opts.lang === site.defaultLanguage) throw new AuthoringError(`Note ${opts.number} is already written in ${opts.lang}; pick another language`);
  const existing = files.find((n) => n.lang === opts.lang);
  if (existing) throw new AuthoringError(`Note ${opts.number} already has a ${opts.lang} version: ${path.relative(process.cwd(), existing.file)}`);

  const split = splitFrontmatter(readFileSync(original.file, 'utf8'));
  if (!split) throw new AuthoringError(`${original.file} has no frontmatter`);
  const data = split.data as Record<string, unknown>;
  const title = opts.title?.trim() || String(data.title ?? '');
  const slug = opts.title ? slugify(opts.title) : parseNoteFileName(path.basename(original.file))!.slug;
  // The original's moment as written (a YAML Date back to its text), so both publish together.
  const parsedDate = publishDateSchema.safeParse(data.date);
  const date = parsedDate.success ? parsedDate.data : String(data.date);
  const dir = path.join(contentDir, 'notes', opts.lang);
  const file = path.join(dir, `${opts.number}-${slug}.mdx`);
  mkdirSync(dir, { recursive: true });
  const rel = path.relative(contentDir, original.file);
  const skeleton = `${frontmatterBlock({ number: opts.number, title, date, summary: data.summary, tags: data.tags ?? [], draft: true })}
{/* Translation of ${rel}: translate the title, summary and text below, then remove "draft: true". */}

${split.body.trimStart()}`;
  writeFileSync(file, skeleton, { flag: 'wx' });
  return { file, number: opts.number, date, keptSlug: opts.title?.trim() ? undefined : slug };
}
