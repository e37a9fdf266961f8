import { and, eq, gt, inArray, lte, ne } from 'drizzle-orm';
import { libraryPath } from '../catalog/paths.ts';
import { cohortEmailLabel } from '../catalog/cohort-label.ts';
import { pick } from '../catalog/product.ts';
import { getProduct } from '../catalog/products.server.ts';
import { nowMs } from '../core/clock.ts';
import { getDb, serializeWrites } from '../core/db/client.server.ts';
import { purchases, reminders } from '../core/db/schema.ts';
import { getEnv } from '../core/env.server.ts';
import { getSite } from '../core/site.server.ts';
import { renderDeadlineReminderEmail } from '../email/render.server.ts';
import { idempotencyKey, sendEmail } from '../email/transport.server.ts';
import { deadlineLabel } from '../../i18n/format.ts';
import { toLang } from '../../i18n/lang.ts';
import { reminderDue } from './reminder-plan.ts';
import { describeError } from '../core/errors.ts';
import { log } from '../core/log.server.ts';

// Deadline reminders, 7 days and 1 day ahead, to every buyer who still has access. The claim is a
// row with a primary key, so however many schedulers run, each reminder goes out once.

export interface ReminderRun {
  sent: number;
  failed: number;
}

export async function sendDueReminders(): Promise<ReminderRun> {
  const now = nowMs();
  const db = getDb();
  const rows = await db
    .select({ id: purchases.id, email: purchases.email, productId: purchases.productId, cohortId: purchases.cohortId, lang: purchases.lang, purchasedAt: purchases.purchasedAt, accessUntil: purchases.accessUntil })
    .from(purchases)
    .where(and(inArray(purchases.status, ['paid', 'granted']), gt(purchases.accessUntil, now), lte(purchases.accessUntil, now + 7 * 86_400_000), ne(purchases.email, '')));
  const run: ReminderRun = { sent: 0, failed: 0 };
  const site = getSite();
  for (const r of rows) {
    const accessUntil = r.accessUntil!;
    const kind = reminderDue({ accessUntil, purchasedAt: r.purchasedAt }, now);
    if (!kind) continue;
    const product = getProduct(r.productId);
    if (!product) continue;
    const claimed = await serializeWrites(() => db.insert(reminders).values({ purchaseId: r.id, kind, sentAt: now }).onConflictDoNothing().returning({ purchaseId: reminders.purchaseId }));
    if (claimed.length === 0) continue;
    const lang = toLang(r.lang, site);
    try {
      const rendered = await renderDeadlineReminderEmail({
        lang,
        siteTitle: site.title,
        authorName: site.author.name,
        productTitle: pick(product.title, lang, site.defaultLanguage),
        cohortLabel: cohortEmailLabel(product, r.cohortId, lang, site.defaultLanguage, now) ?? null,
        deadlineLabel: deadlineLabel(lang, accessUntil, product.timeZone, now),
        daysLeft: kind === '7d' ? 7 : 1,
        libraryUrl: `${getEnv().SITE_URL}${libraryPath(lang, product.id)}`,
      });
      // Keyed by purchase and kind: a retry after a lost answer (the claim handed back) never sends twice.
      await sendEmail({ to: r.email, ...rendered, tags: [{ name: 'category', value: 'deadline-reminder' }] }, { idempotencyKey: await idempotencyKey(`reminder/${r.id}/${kind}`) });
      run.sent++;
    } catch (err) {
      // Hand the claim back: the next tick tries again.
      await serializeWrites(() => db.delete(reminders).where(and(eq(reminders.purchaseId, r.id), eq(reminders.kind, kind))));
      log.error('access.reminder', { purchase: r.id, message: `not sent: ${describeError(err)}` });
      run.failed++;
    }
  }
  return run;
}
