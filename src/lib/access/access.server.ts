import { nowMs } from '../clock.ts';
import { purchasesOf, type PurchaseRow } from '../payments/purchases.server.ts';
import { hasAccess } from './deadlines.ts';

// The access question, asked on every gated request: the stored purchases, the server's clock.

export type AccessState =
  | { access: true; purchase: PurchaseRow }
  /** ended: the purchase that last gave access (deadline passed, refunded, revoked), if any */
  | { access: false; purchase?: PurchaseRow };

export async function accessTo(email: string | undefined, productId: string): Promise<AccessState> {
  if (!email) return { access: false };
  const rows = await purchasesOf(email, productId);
  const now = nowMs();
  const live = rows.filter((r) => hasAccess(r, now)).sort((a, b) => (b.accessUntil ?? Infinity) - (a.accessUntil ?? Infinity))[0];
  if (live) return { access: true, purchase: live };
  return { access: false, purchase: rows[0] };
}
