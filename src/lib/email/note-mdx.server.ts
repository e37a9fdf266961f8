import { evaluate } from '@mdx-js/mdx';
import { createElement as h, type ComponentType, type ReactElement, type ReactNode } from 'react';
import * as runtime from 'react/jsx-runtime';
import { OfferBlock, TestimonialBlock, type OfferEmailCard, type TestimonialEmail } from '../../../emails/components/Offer.tsx';
import { prose } from '../../../emails/components/theme.ts';
import type { Lang } from '../../i18n/lang.ts';
import { t } from '../../i18n/text.ts';
import { rehypeSmartPunctuation } from './smart-punctuation.ts';

export interface Citation {
  title: string;
  url: string;
}
/** Cited Note number → its title and public URL; undefined while the cited Note is not public. */
export type Citations = Record<number, Citation | undefined>;

export interface BodyOptions {
  /** The language the text is written in: NoteRef's "Note"/"Nota" must match the sentence around it. */
  lang: Lang;
  /** Origin that relative links and images resolve against: mail clients have no base URL. */
  siteUrl: string;
  citations?: Citations;
  /** What each <Offer product="…"> shows, decided by the caller at send time; missing: shows nothing. */
  offers?: Record<string, OfferEmailCard | undefined>;
  /** `${product}\0${author ?? ''}` → the words of a <Testimonial>; missing: shows nothing. */
  testimonials?: Record<string, TestimonialEmail | undefined>;
}

export const testimonialKey = (product: string, author?: string) => `${product}\0${author ?? ''}`;

type Content = ComponentType<{ components?: Record<string, unknown> }>;

// Compiling MDX costs milliseconds; the same Note is rendered once per language and again on retries
// and previews. Keyed by the exact source, so an edited Note simply misses.
const CACHE_SIZE = 50;
const cache = new Map<string, Promise<Content>>();

function compile(source: string, format: 'md' | 'mdx'): Promise<Content> {
  const key = `${format}\0${source}`;
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key); // re-insert: Map order is the LRU order
    cache.set(key, hit);
    return hit;
  }
  const compiled = evaluate(source, { ...runtime, format, baseUrl: import.meta.url, rehypePlugins: [rehypeSmartPunctuation] }).then((mod) => mod.default as Content);
  // A failed compile must not stay cached: the author fixes the file and tries again.
  compiled.catch(() => cache.get(key) === compiled && cache.delete(key));
  cache.set(key, compiled);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return compiled;
}

function absolute(url: string | undefined, base: string): string | undefined {
  if (!url) return url;
  try {
    return new URL(url, base).href;
  } catch {
    return url;
  }
}

type Props = { children?: ReactNode; [attribute: string]: unknown };

function emailComponents({ lang, siteUrl, citations = {}, offers = {}, testimonials = {} }: BodyOptions) {
  const styled = (tag: string, style: object) => (props: Props) => h(tag, { ...props, style });
  return {
    p: styled('p', prose.p),
    h1: styled('h1', prose.h1),
    h2: styled('h2', prose.h2),
    h3: styled('h3', prose.h3),
    ul: styled('ul', prose.list),
    ol: styled('ol', prose.list),
    li: styled('li', prose.li),
    blockquote: styled('blockquote', prose.blockquote),
    hr: styled('hr', prose.hr),
    code: styled('code', prose.code),
    pre: styled('pre', prose.pre),
    strong: styled('strong', {}),
    em: styled('em', {}),
    a: ({ href, ...props }: Props) => h('a', { ...props, href: absolute(href as string | undefined, siteUrl), style: prose.a }),
    img: ({ src, alt, ...props }: Props) => h('img', { ...props, src: absolute(src as string | undefined, siteUrl), alt: alt ?? '', style: prose.img }),
    NoteRef: ({ n }: { n: number | string }) => {
      const number = Number(n);
      const cited = citations[number];
      if (!cited) return t(lang, 'note.forthcoming');
      return h('a', { href: absolute(cited.url, siteUrl), style: prose.a }, `${t(lang, 'note.label')} №${number}, `, h('cite', null, cited.title));
    },
    Offer: ({ product, variant, children }: { product: string; variant?: string; children?: ReactNode }) => {
      const offer = offers[product];
      return offer ? h(OfferBlock, { offer: { ...offer, url: absolute(offer.url, siteUrl) }, variant, children }) : null;
    },
    Testimonial: ({ product, author }: { product: string; author?: string }) => {
      const testimonial = testimonials[testimonialKey(product, author)];
      return testimonial ? h(TestimonialBlock, { testimonial }) : null;
    },
  };
}

/** A Note's MDX body (the text after the frontmatter) as an email-safe React element. */
export async function noteBodyElement(body: string, options: BodyOptions): Promise<ReactElement> {
  const Content = await compile(body, 'mdx');
  return h(Content, { components: emailComponents(options) });
}

/** Plain Markdown (no JSX, raw HTML dropped) with the same email styles, e.g. the welcome text. */
export async function markdownElement(markdown: string, options: BodyOptions): Promise<ReactElement> {
  const Content = await compile(markdown, 'md');
  return h(Content, { components: emailComponents(options) });
}
