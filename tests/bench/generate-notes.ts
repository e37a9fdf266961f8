// Synthetic Notes shaped like the real ones: 800–1000 words of prose in sections, lists, emphasis,
// links and a few <NoteRef /> citations of earlier Notes. Seeded, so every run builds the same text.
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { countWords, plainTextOfMdx } from '../../src/lib/notes/reading-time.ts';
import { ROOT } from './lib.ts';

interface Vocabulary {
  words: string[];
  headings: string[];
  tags: string[];
}

const LANGS: Record<'en' | 'it', Vocabulary> = {
  en: {
    words: (
      'goal team week quarter plan review number habit focus result progress measure outcome rhythm ' +
      'meeting calendar monday friday question answer decision priority project customer manager ' +
      'time work people change problem idea step note reader month year list task effort strategy ' +
      'the a of to and in that it is for on with as you your we they this what when keep set make ' +
      'take write read start finish small clear simple hard real good better first next last every ' +
      'often rarely always never slowly quickly together alone honestly simply usually really'
    ).split(' '),
    headings: ['Why it matters', 'A short example', 'What gets in the way', 'Start small', 'The weekly check',
      'Numbers that move', 'When it goes wrong', 'One page is enough', 'Saying no', 'What to try this week'],
    tags: ['goals', 'okr', 'rhythm', 'focus', 'teams', 'strategy', 'habits', 'planning'],
  },
  it: {
    words: (
      'obiettivo squadra settimana trimestre piano revisione numero abitudine attenzione risultato ' +
      'progresso misura esito ritmo riunione calendario lunedì venerdì domanda risposta decisione ' +
      'priorità progetto cliente responsabile tempo lavoro persone cambiamento problema idea passo ' +
      'nota lettore mese anno elenco compito sforzo strategia il la di a e in che è per con come tu ' +
      'tuo noi loro questo quando tenere fissare fare prendere scrivere leggere iniziare finire ' +
      'piccolo chiaro semplice difficile vero buono migliore primo prossimo ultimo ogni spesso ' +
      'raramente sempre mai lentamente presto insieme da solo davvero'
    ).split(' '),
    headings: ['Perché conta', 'Un breve esempio', 'Cosa si mette in mezzo', 'Comincia in piccolo',
      'Il controllo settimanale', 'Numeri che si muovono', 'Quando va storto', 'Basta una pagina',
      'Dire di no', 'Cosa provare questa settimana'],
    tags: ['obiettivi', 'okr', 'ritmo', 'attenzione', 'squadre', 'strategia', 'abitudini', 'pianificazione'],
  },
};

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const slugify = (s: string) =>
  s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

function note(n: number, lang: 'en' | 'it'): { slug: string; source: string } {
  const v = LANGS[lang];
  const rnd = mulberry32(n * 2 + (lang === 'en' ? 0 : 1));
  const pick = <T>(list: T[]) => list[Math.floor(rnd() * list.length)]!;
  const between = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const phrase = (count: number) => Array.from({ length: count }, () => pick(v.words)).join(' ');
  const sentence = () => {
    const s = phrase(between(8, 18));
    const capital = `${s[0]!.toUpperCase()}${s.slice(1)}`;
    const roll = rnd();
    const decorated = roll < 0.15 ? capital.replace(/(\S+ \S+)$/, '**$1**') : roll < 0.25 ? capital.replace(/^(\S+)/, '_$1_') : capital;
    return `${decorated}.`;
  };
  const citation = () => (n > 1 ? ` <NoteRef n={${between(1, n - 1)}} />` : '');
  const paragraph = () => {
    const ref = rnd() < 0.25 ? citation() : '';
    const link = rnd() < 0.1 ? ` See [${phrase(3)}](https://example.com/${n}/${between(1, 99)}).` : '';
    return `${Array.from({ length: between(3, 6) }, sentence).join(' ')}${ref}${link}`;
  };
  const list = () => Array.from({ length: between(3, 5) }, () => `- ${sentence()}`).join('\n');

  const blocks = [paragraph(), paragraph()];
  const headings = [...v.headings];
  let words = countWords(plainTextOfMdx(blocks.join('\n')));
  const target = between(780, 900);
  while (words < target) {
    if (blocks.length % 3 === 2 && headings.length > 0) blocks.push(`## ${headings.splice(between(0, headings.length - 1), 1)[0]}`);
    const block = rnd() < 0.2 ? list() : paragraph();
    blocks.push(block);
    words += countWords(plainTextOfMdx(block));
  }
  if (n > 1 && !blocks.some((b) => b.includes('<NoteRef'))) blocks.push(`${sentence()}${citation()}`);
  const title = phrase(between(3, 6));

  const date = new Date(Date.UTC(2001, 0, 1) + (n - 1) * 7 * 86_400_000).toISOString().slice(0, 10);
  const tags = [...new Set([pick(v.tags), pick(v.tags)])];
  const frontmatter = [
    '---',
    `number: ${n}`,
    `title: ${JSON.stringify(`${title[0]!.toUpperCase()}${title.slice(1)}`)}`,
    `date: ${date}`,
    `summary: ${JSON.stringify(sentence())}`,
    `tags: [${tags.join(', ')}]`,
    '---',
  ].join('\n');
  return { slug: slugify(title) || `note-${n}`, source: `${frontmatter}\n\n${blocks.join('\n\n')}\n` };
}

export interface GeneratedContent {
  contentDir: string;
  notesDir: string;
  /** the paths our site serves, e.g. /notes/12-goal-team-week/ and /it/notes/12-obiettivo-…/ */
  paths: string[];
  /** average words of prose per Note, counted as the site counts them for reading time */
  averageWords: number;
}

/** Writes a content dir whose notes/{en,it}/<n>-<slug>.mdx are Notes 1..count. */
export function generateNotes(contentDir: string, count: number): GeneratedContent {
  const notesDir = path.join(contentDir, 'notes');
  // site.yaml and whatever else the site reads from content/ come from the real site; only the Notes differ.
  const real = path.join(ROOT, 'content');
  cpSync(real, contentDir, { recursive: true, filter: (src) => src !== path.join(real, 'notes') });
  const paths: string[] = [];
  let words = 0;
  for (const lang of ['en', 'it'] as const) {
    mkdirSync(path.join(notesDir, lang), { recursive: true });
    for (let n = 1; n <= count; n++) {
      const { slug, source } = note(n, lang);
      writeFileSync(path.join(notesDir, lang, `${n}-${slug}.mdx`), source);
      paths.push(`${lang === 'en' ? '' : `/${lang}`}/notes/${n}-${slug}/`);
      words += countWords(plainTextOfMdx(source));
    }
  }
  return { contentDir, notesDir, paths, averageWords: Math.round(words / paths.length) };
}
