import { offerCard, offerLine, offerState, testimonialOf } from '../../catalog/offer.ts';
import { pick } from '../../catalog/product.ts';
import { getProducts } from '../../catalog/products.server.ts';
import { getSite } from '../../core/site.server.ts';
import { testimonialKey, type BodyOptions } from '../../email/note-mdx.server.ts';
import type { Lang } from '../../../i18n/lang.ts';
import { absoluteUrl } from '../../../i18n/paths.ts';
import { productRefs } from '../../notes/validate.ts';

// What a Note's <Offer> and <Testimonial> say in its newsletter: the state when the send renders
// (an email cannot change after it leaves). In the language the Note is written in, like the
// sentences around it, linking to that language's sales page. Seats are not counted here: the
// newsletter never reads purchases (docs/decisions/008); the sales page the button opens does.
export function emailOffers(body: string, lang: Lang, siteUrl: string, now: number): Pick<BodyOptions, 'offers' | 'testimonials'> {
  const site = getSite();
  const products = getProducts();
  const offers: NonNullable<BodyOptions['offers']> = {};
  const testimonials: NonNullable<BodyOptions['testimonials']> = {};
  for (const ref of productRefs(body)) {
    if (!ref.product) continue;
    if (ref.tag === 'Offer') {
      const state = offerState(products, ref.product, now);
      if (!state) continue;
      const card = offerCard(state, lang, site.defaultLanguage, now);
      offers[ref.product] = { ...card, url: card.path && absoluteUrl(siteUrl, card.path), line: offerLine(state, lang, site.defaultLanguage, now) };
    } else {
      const product = products.get(ref.product);
      const x = product && testimonialOf(product, ref.author);
      if (x) testimonials[testimonialKey(ref.product, ref.author)] = { quote: pick(x.quote, lang, site.defaultLanguage), author: x.author, role: pick(x.role, lang, site.defaultLanguage) };
    }
  }
  return { offers, testimonials };
}
