import { salesSection } from '../catalog/product.ts';
import { getProducts } from '../catalog/products.server.ts';
import { nowMs } from '../core/clock.ts';
import { deadlineLabel, zoneName } from '../../i18n/format.ts';
import type { Lang } from '../../i18n/lang.ts';
import { salesView, type SalesView } from './sales.server.ts';

// The shop (/workshops/): every product, each computed by the sales page's own view, so the
// list can never say "on sale" where the product's page (and the checkout) would say no.

export type ShopState = 'on-sale' | 'coming' | 'closed';

export interface ShopItem {
  view: SalesView;
  state: ShopState;
  /** when sales open, for a product that is coming */
  opensLabel?: string;
  /** the clock the deadline is on, "Italy Time" */
  zone?: string;
  /** what orders the list within a state: the soonest deadline (or opening) first */
  sortAt: number;
}

/** A sales view's place in the shop: payments being off is the site's problem, not the product's. */
export function shopState(view: Pick<SalesView, 'reason'>): ShopState {
  if (view.reason === undefined || view.reason === 'payments_off') return 'on-sale';
  return view.reason === 'not_open' ? 'coming' : 'closed';
}

const ORDER: Record<ShopState, number> = { 'on-sale': 0, coming: 1, closed: 2 };

export async function shopView(lang: Lang): Promise<{ items: ShopItem[]; paymentsOff: boolean }> {
  const now = nowMs();
  const items: ShopItem[] = [];
  for (const product of getProducts().values()) {
    const view = await salesView(product.id, salesSection(product), lang);
    if (!view) continue;
    const state = shopState(view);
    const opens = product.sales.opens?.at;
    const firstCohort = view.cohorts.find((c) => c.open);
    const cohortStart = firstCohort ? product.cohorts.find((c) => c.id === firstCohort.id)?.starts.at : undefined;
    items.push({
      view,
      state,
      zone: view.deadline ? zoneName(lang, view.deadline.at, product.timeZone) : undefined,
      opensLabel: state === 'coming' && opens !== undefined ? deadlineLabel(lang, opens, product.timeZone, now) : undefined,
      sortAt: state === 'coming' ? (opens ?? Infinity) : (view.deadline?.at ?? cohortStart ?? Infinity),
    });
  }
  items.sort((a, b) => ORDER[a.state] - ORDER[b.state] || a.sortAt - b.sortAt || a.view.title.localeCompare(b.view.title));
  return { items, paymentsOff: items.some((i) => i.view.reason === 'payments_off') };
}
