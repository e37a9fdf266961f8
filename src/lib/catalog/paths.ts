import type { Lang } from '../../i18n/lang.ts';
import { localizedPath } from '../../i18n/paths.ts';
import { salesSection, type Product } from './product.ts';

// Where a product's pages live, per language.

export function salesPath(product: Pick<Product, 'id' | 'kind'>, lang: Lang): string {
  return localizedPath(lang, `/${salesSection(product)}/${product.id}/`);
}

export function libraryPath(lang: Lang, productId?: string): string {
  return localizedPath(lang, `/library/${productId ? `${productId}/` : ''}`);
}

export function lessonPath(lang: Lang, productId: string, lesson: string): string {
  return localizedPath(lang, `/library/${productId}/${lesson}/`);
}

/** Where a Buy form posts: the one URL integrations know (the form carries its language in a field). */
export function checkoutPath(productId: string): string {
  return `/checkout/${productId}`;
}
