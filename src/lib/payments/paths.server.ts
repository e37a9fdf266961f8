import { langPrefix } from '../notes/urls.ts';
import { getSite } from '../site.server.ts';
import { salesSection, type Product } from './product.ts';

// Where a product's pages live, per language (English without prefix, others under /<lang>/).

export function salesPath(product: Product, lang: string): string {
  return `${langPrefix(lang, getSite().defaultLanguage)}/${salesSection(product)}/${product.id}/`;
}

export function libraryPath(lang: string, productId?: string): string {
  return `${langPrefix(lang, getSite().defaultLanguage)}/library/${productId ? `${productId}/` : ''}`;
}
