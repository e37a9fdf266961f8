import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { contentDir, getSite } from '../core/site.server.ts';
import type { SiteConfig } from '../core/site.ts';
import { parseProduct, pick, ProductError, type Product } from './product.ts';

// Products are read from content/products/ by every process that needs them (pages, webhooks,
// the CLI, the reminder scheduler), with the one schema in product.ts.

const FILE = /^([^.].*)\.(ya?ml|md)$/;

function fromMarkdown(text: string, defaultLang: string): string {
  // A .md product: YAML frontmatter, and the body is the default language's description.
  const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(text);
  if (!m) return text;
  const body = m[2]!.trim();
  if (!body) return m[1]!;
  const indented = body.split('\n').map((l) => `    ${l}`).join('\n');
  return /^description:/m.test(m[1]!) ? m[1]! : `${m[1]}\ndescription:\n  ${defaultLang}: |\n${indented}\n`;
}

export function loadProducts(dir: string, site: Pick<SiteConfig, 'languages' | 'defaultLanguage' | 'timeZone'>): Map<string, Product> {
  const products = new Map<string, Product>();
  const folder = path.join(dir, 'products');
  if (!existsSync(folder)) return products;
  const languages = [site.defaultLanguage, ...site.languages.filter((l) => l !== site.defaultLanguage)];
  for (const name of readdirSync(folder).sort()) {
    const m = FILE.exec(name);
    if (!m) continue;
    const file = path.join(folder, name);
    const text = readFileSync(file, 'utf8');
    const id = m[1]!;
    if (products.has(id)) throw new ProductError(`${file}: another file already defines product "${id}"`);
    const source = m[2] === 'md' ? fromMarkdown(text, site.defaultLanguage) : text;
    products.set(id, parseProduct(id, source, path.relative(process.cwd(), file) || file, { languages, siteTimeZone: site.timeZone }));
  }
  for (const [id, p] of products) {
    if (p.next && !products.has(p.next)) throw new ProductError(`content/products/${id}: next: no product "${p.next}"`);
  }
  return products;
}

let cache: { dir: string; products: Map<string, Product> } | undefined;

export function getProducts(): Map<string, Product> {
  const dir = contentDir();
  if (cache?.dir !== dir) cache = { dir, products: loadProducts(dir, getSite()) };
  return cache.products;
}

export function getProduct(id: string): Product | undefined {
  return getProducts().get(id);
}

/**
 * A product's title in `lang` for the author's pages; a purchase of a product whose file has
 * since been removed keeps its id, which is all that is left to name it by.
 */
export function productTitle(id: string, lang: string): string {
  return pick(getProduct(id)?.title, lang, getSite().defaultLanguage) || id;
}

export function resetProductCache(): void {
  cache = undefined;
}
