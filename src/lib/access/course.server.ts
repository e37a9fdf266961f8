import { getCollection, type CollectionEntry } from 'astro:content';

// A course's lessons: content/courses/<product>/<lang>/<NN>-<slug>.mdx, in file-name order, in the
// reader's language or else the default language's.

export interface Lesson {
  slug: string;
  number: number;
  title: string;
  summary?: string;
  entry: CollectionEntry<'courses'>;
}

export async function lessonsOf(productId: string, lang: string, defaultLang: string): Promise<Lesson[]> {
  const all = await getCollection('courses', (e) => e.id.startsWith(`${productId}/`));
  const inLang = (l: string) =>
    all
      .filter((e) => e.id.split('/')[1] === l)
      .map((entry) => {
        const slug = entry.id.split('/')[2]!;
        return { slug, number: Number.parseInt(slug, 10) || 0, title: entry.data.title, summary: entry.data.summary, entry };
      })
      .sort((a, b) => a.slug.localeCompare(b.slug));
  const own = inLang(lang);
  return own.length > 0 ? own : inLang(defaultLang);
}
