import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { noteFrontmatterSchema, parseNoteFileName, type NoteFrontmatter } from './frontmatter.ts';

export interface ScannedNote {
  lang: string;
  file: string;
  slug: string;
  frontmatter: NoteFrontmatter;
  body: string;
  citations: number[];
}

export interface ContentProblem {
  file: string;
  message: string;
}

const NOTE_REF_RE = /<NoteRef\b[^>]*?\bn\s*=\s*(?:\{\s*(\d+)\s*\}|"(\d+)"|'(\d+)')[^>]*\/?>/g;

export function citedNumbers(body: string): number[] {
  return [...body.matchAll(NOTE_REF_RE)].map((m) => Number(m[1] ?? m[2] ?? m[3]));
}

export function splitFrontmatter(source: string): { data: unknown; body: string } | undefined {
  const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(source);
  if (!m) return undefined;
  return { data: parseYaml(m[1]!) ?? {}, body: m[2]! };
}

/**
 * Reads content/notes/<lang>/*.mdx and reports every problem at once, each naming its file:
 * the build, the CLI and the tests share this, so the rules are stated once.
 */
export function scanNotes(contentDir: string, languages: readonly string[], defaultLanguage: string) {
  const notesDir = path.join(contentDir, 'notes');
  const rel = (f: string) => path.relative(process.cwd(), f) || f;
  const problems: ContentProblem[] = [];
  const notes: ScannedNote[] = [];
  if (!existsSync(notesDir)) return { notes, problems };

  for (const entry of readdirSync(notesDir, { withFileTypes: true })) {
    const dir = path.join(notesDir, entry.name);
    if (!entry.isDirectory()) {
      if (/\.mdx?$/.test(entry.name)) {
        problems.push({ file: rel(dir), message: `a Note must sit in a language folder (${languages.join(', ')})` });
      }
      continue;
    }
    if (!languages.includes(entry.name)) {
      problems.push({ file: rel(dir), message: `unknown language "${entry.name}" (content/site.yaml languages: ${languages.join(', ')})` });
      continue;
    }
    for (const name of readdirSync(dir).sort()) {
      if (!/\.mdx?$/.test(name)) continue;
      const file = path.join(dir, name);
      const parsedName = parseNoteFileName(name);
      if (!parsedName) {
        problems.push({ file: rel(file), message: 'file name must be <number>-<slug>.mdx, e.g. 205-three-steps.mdx (lowercase letters, digits, dashes)' });
        continue;
      }
      let split;
      try {
        split = splitFrontmatter(readFileSync(file, 'utf8'));
      } catch (err) {
        problems.push({ file: rel(file), message: `frontmatter is not valid YAML: ${(err as Error).message.split('\n')[0]}` });
        continue;
      }
      if (!split) {
        problems.push({ file: rel(file), message: 'missing frontmatter (a --- block with number, title, date, summary)' });
        continue;
      }
      const result = noteFrontmatterSchema.safeParse(split.data);
      if (!result.success) {
        for (const issue of result.error.issues) {
          problems.push({ file: rel(file), message: `${issue.path.join('.') || 'frontmatter'}: ${issue.message}` });
        }
        continue;
      }
      if (result.data.number !== parsedName.number) {
        problems.push({ file: rel(file), message: `number: frontmatter says ${result.data.number} but the file name says ${parsedName.number}` });
        continue;
      }
      notes.push({
        lang: entry.name,
        file: rel(file),
        slug: parsedName.slug,
        frontmatter: result.data,
        body: split.body,
        citations: citedNumbers(split.body),
      });
    }
  }

  const byLangNumber = new Map<string, ScannedNote>();
  const numbers = new Set<number>();
  for (const n of notes) {
    const key = `${n.lang}/${n.frontmatter.number}`;
    const twin = byLangNumber.get(key);
    if (twin) {
      problems.push({ file: n.file, message: `number: ${n.frontmatter.number} is already used by ${twin.file} (one number per Note per language)` });
    } else {
      byLangNumber.set(key, n);
    }
    numbers.add(n.frontmatter.number);
  }
  for (const n of notes) {
    if (n.lang !== defaultLanguage && !byLangNumber.has(`${defaultLanguage}/${n.frontmatter.number}`)) {
      problems.push({
        file: n.file,
        message: `translation of Note ${n.frontmatter.number}, but there is no original content/notes/${defaultLanguage}/${n.frontmatter.number}-*.mdx`,
      });
    }
    for (const cited of n.citations) {
      if (!numbers.has(cited)) {
        problems.push({
          file: n.file,
          message: `<NoteRef n={${cited}} /> cites Note ${cited}, but no file content/notes/${n.lang}/${cited}-*.mdx exists`,
        });
      }
    }
  }
  return { notes, problems };
}

export function formatProblems(problems: readonly ContentProblem[]): string {
  return problems.map((p) => `${p.file}: ${p.message}`).join('\n');
}
