import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { checkFrontmatter, DATE_FORMS, parseNoteFileName, type NoteFrontmatter } from './frontmatter.ts';

export interface ScannedNote {
  lang: string;
  file: string;
  slug: string;
  frontmatter: NoteFrontmatter;
  body: string;
  citations: number[];
  /** <Offer product="…"> and <Testimonial product="…"> in the body, checked against content/products/ */
  productRefs: ProductRef[];
}

export interface ProductRef {
  tag: 'Offer' | 'Testimonial';
  /** undefined: the tag names no product as a plain string */
  product?: string;
  author?: string;
  variant?: string;
}

export interface ContentProblem {
  file: string;
  message: string;
}

const NOTE_REF_RE = /<NoteRef\b[^>]*?\bn\s*=\s*(?:\{\s*(\d+)\s*\}|"(\d+)"|'(\d+)')[^>]*\/?>/g;

export function citedNumbers(body: string): number[] {
  return [...body.matchAll(NOTE_REF_RE)].map((m) => Number(m[1] ?? m[2] ?? m[3]));
}

const PRODUCT_TAG_RE = /<(Offer|Testimonial)\b([^>]*?)\/?>/g;
const attribute = (attrs: string, name: string) => {
  const m = new RegExp(`\\b${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|\\{\\s*(?:"([^"]*)"|'([^']*)')\\s*\\})`).exec(attrs);
  return m ? (m[1] ?? m[2] ?? m[3] ?? m[4]) : undefined;
};

/** Every <Offer> and <Testimonial> of a Note body, with the attributes the build checks. */
export function productRefs(body: string): ProductRef[] {
  return [...body.matchAll(PRODUCT_TAG_RE)].map((m) => ({
    tag: m[1] as ProductRef['tag'],
    product: attribute(m[2]!, 'product'),
    author: attribute(m[2]!, 'author'),
    variant: attribute(m[2]!, 'variant'),
  }));
}

/** The product ids a Note body offers, once each, in order. */
export function offeredProducts(body: string): string[] {
  return [...new Set(productRefs(body).flatMap((r) => (r.tag === 'Offer' && r.product ? [r.product] : [])))];
}

export const OFFER_VARIANTS = ['card', 'line'] as const;

/**
 * The product references of the Notes against the products (content/products/): an unknown id,
 * author or variant is the author's to fix, named with its file, like a NoteRef to a missing Note.
 */
export function productRefProblems(notes: readonly ScannedNote[], products: ReadonlyMap<string, { testimonials: readonly { author: string }[] }>): ContentProblem[] {
  const problems: ContentProblem[] = [];
  for (const n of notes) {
    for (const ref of n.productRefs) {
      if (!ref.product) {
        problems.push({ file: n.file, message: `<${ref.tag}> needs product="<product id>" (a file of content/products/)` });
        continue;
      }
      const product = products.get(ref.product);
      if (!product) {
        const known = [...products.keys()].join(', ') || 'none';
        problems.push({ file: n.file, message: `<${ref.tag} product="${ref.product}" /> names no product: there is no content/products/${ref.product}.yaml (products: ${known})` });
      } else if (ref.tag === 'Offer' && ref.variant !== undefined && !(OFFER_VARIANTS as readonly string[]).includes(ref.variant)) {
        problems.push({ file: n.file, message: `<Offer variant="${ref.variant}" />: variant is ${OFFER_VARIANTS.map((v) => `"${v}"`).join(' or ')}` });
      } else if (ref.tag === 'Testimonial' && (ref.author !== undefined ? !product.testimonials.some((x) => x.author === ref.author) : product.testimonials.length === 0)) {
        const authors = product.testimonials.map((x) => x.author).join(', ') || 'none';
        problems.push({ file: n.file, message: `<Testimonial product="${ref.product}"${ref.author !== undefined ? ` author="${ref.author}"` : ''} />: no such testimonial in content/products/${ref.product}.yaml (authors: ${authors})` });
      }
    }
  }
  return problems;
}

// YAML 1.2 as Astro's reader (js-yaml) has it: unquoted timestamps become Dates, so the CLI and
// the newsletter read every `date` as the pages do.
const YAML_OPTIONS: { customTags: ['timestamp'] } = { customTags: ['timestamp'] };

// An unquoted time with seconds and no zone is a YAML timestamp, which YAML reads as UTC: an hour
// or two off what an author in Rome means.
const ZONELESS_TIMESTAMP_RE = /^date:[ \t]*(\d{4}-\d\d?-\d\d?(?:[Tt]|[ \t]+)\d\d?:\d\d:\d\d(?:\.\d*)?)[ \t]*(?:#.*)?$/m;

export function splitFrontmatter(source: string): { data: unknown; body: string; yaml: string } | undefined {
  const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(source);
  if (!m) return undefined;
  return { data: parseYaml(m[1]!, YAML_OPTIONS) ?? {}, body: m[2]!, yaml: m[1]! };
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
  // "<lang>/<number>" of every Note file, broken or not: a broken original has its own message,
  // so its translations and citations do not get a second one.
  const written = new Set<string>();
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
      written.add(`${entry.name}/${parsedName.number}`);
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
      const zoneless = ZONELESS_TIMESTAMP_RE.exec(split.yaml);
      if (zoneless) {
        problems.push({ file: rel(file), message: `date: ${zoneless[1]} without quotes is read as UTC; write ${DATE_FORMS}` });
        continue;
      }
      const { frontmatter, problems: mistakes } = checkFrontmatter(split.data);
      if (!frontmatter) {
        for (const message of mistakes) problems.push({ file: rel(file), message });
        continue;
      }
      if (frontmatter.number !== parsedName.number) {
        problems.push({ file: rel(file), message: `number: frontmatter says ${frontmatter.number} but the file name says ${parsedName.number}` });
        continue;
      }
      notes.push({
        lang: entry.name,
        file: rel(file),
        slug: parsedName.slug,
        frontmatter,
        body: split.body,
        citations: citedNumbers(split.body),
        productRefs: productRefs(split.body),
      });
    }
  }

  const byLangNumber = new Map<string, ScannedNote>();
  const numbers = new Set([...written].map((key) => Number(key.split('/')[1])));
  for (const n of notes) {
    const key = `${n.lang}/${n.frontmatter.number}`;
    const twin = byLangNumber.get(key);
    if (twin) {
      problems.push({ file: n.file, message: `number: ${n.frontmatter.number} is already used by ${twin.file} (one number per Note per language)` });
    } else {
      byLangNumber.set(key, n);
    }
  }
  for (const n of notes) {
    if (n.lang !== defaultLanguage && !written.has(`${defaultLanguage}/${n.frontmatter.number}`)) {
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
