import { libraryPath } from '../catalog/paths.ts';
import { pick, type Product } from '../catalog/product.ts';
import { nowMs } from '../core/clock.ts';
import { describeError } from '../core/errors.ts';
import { getEnv } from '../core/env.server.ts';
import { getSite } from '../core/site.server.ts';
import { renderAccessNoticeEmail } from '../email/render.server.ts';
import { idempotencyKey, sendEmail } from '../email/transport.server.ts';
import { deadlineLabel } from '../../i18n/format.ts';
import type { Lang } from '../../i18n/lang.ts';
import type { GrantResult, RevokeResult } from './grants.server.ts';

// The optional email to a buyer when the author grants, changes or ends their access by hand
// (docs/decisions/021). The change is made first and stands whatever happens here: a notice that
// does not go out is returned for the author to see, never thrown.

export type NoticeOutcome = { sent: true; lang: Lang } | { sent: false; reason: string };

interface AccessNotice {
  email: string;
  product: Product;
  change: 'granted' | 'updated' | 'revoked';
  lang: Lang;
  accessUntil: number | null;
  /** the rows changed and when: together they name this one change */
  purchaseIds: number[];
  changedAt: number;
}

export function grantNotice(r: GrantResult): AccessNotice {
  return { email: r.email, product: r.product, change: r.change, lang: r.lang, accessUntil: r.accessUntil, purchaseIds: [r.purchaseId], changedAt: r.changedAt };
}

/** Undefined when the revocation changed nothing: there is nothing to tell the buyer. */
export function revokeNotice(r: RevokeResult): AccessNotice | undefined {
  if (r.purchaseIds.length === 0) return undefined;
  return { email: r.email, product: r.product, change: 'revoked', lang: r.lang, accessUntil: null, purchaseIds: r.purchaseIds, changedAt: r.changedAt };
}

export async function sendAccessNotice(n: AccessNotice): Promise<NoticeOutcome> {
  const site = getSite();
  // Revoked: the product's page would only say "no access", so the link goes to the library.
  const libraryUrl = `${getEnv().SITE_URL}${libraryPath(n.lang, n.change === 'revoked' ? undefined : n.product.id)}`;
  try {
    const rendered = await renderAccessNoticeEmail({
      lang: n.lang,
      change: n.change,
      siteTitle: site.title,
      authorName: site.author.name,
      productTitle: pick(n.product.title, n.lang, site.defaultLanguage),
      // The zone the product's deadlines are written in, as on the library page and the receipt.
      accessUntilLabel: n.accessUntil === null ? null : deadlineLabel(n.lang, n.accessUntil, n.product.timeZone, nowMs()),
      libraryUrl,
    });
    // One key per change: a retry of this change never mails twice, the next change mails again
    // (the new end is part of it, so two changes in one millisecond under a frozen test clock stay two).
    const key = await idempotencyKey(`access-notice/${n.change}/${n.purchaseIds.join('-')}/${n.changedAt}/${n.accessUntil ?? 'never'}`);
    await sendEmail({ to: n.email, ...rendered, tags: [{ name: 'category', value: 'access-notice' }] }, { idempotencyKey: key });
    return { sent: true, lang: n.lang };
  } catch (err) {
    // The caller tells the author (the CLI prints it, the dashboard logs it and says so).
    return { sent: false, reason: describeError(err) };
  }
}
