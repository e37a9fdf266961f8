import { nowMs } from '../clock.ts';
import { getDb, serializeWrites } from '../db/client.server.ts';
import { renderDeadlineReminderEmail } from '../email/render.server.ts';
import { sendEmail } from '../email/send.server.ts';
import { getEnv } from '../env.server.ts';
import { libraryPath } from '../payments/paths.server.ts';
import { pick } from '../payments/product.ts';
import { getProduct } from '../payments/products.server.ts';
import { getSite } from '../site.server.ts';
import { deadlineLabel } from './deadlines.ts';
import { reminderDue } from './reminder-plan.ts';

// Deadline reminders, 7 days and 1 day ahead, to every buyer who still has access. The claim is a
// row with a primary key, so however many schedulers run, each reminder goes out once.

export interface ReminderRun {
  sent: number;
  failed: number;
}

export async function sendDueReminders(): Promise<ReminderRun> {
  const now = nowMs();
  const db = getDb().$client;
  const rows = await db.execute({
    sql: `SELECT id, email, product_id, lang, purchased_at, access_until FROM purchases
          WHERE status IN ('paid', 'granted') AND access_until > ? AND access_until <= ? AND email != ''`,
    args: [now, now + 7 * 86_400_000],
  });
  const run: ReminderRun = { sent: 0, failed: 0 };
  const site = getSite();
  for (const r of rows.rows) {
    const accessUntil = Number(r.access_until);
    const kind = reminderDue({ accessUntil, purchasedAt: r.purchased_at === null ? null : Number(r.purchased_at) }, now);
    if (!kind) continue;
    const product = getProduct(String(r.product_id));
    if (!product) continue;
    const purchaseId = Number(r.id);
    const claimed = await serializeWrites(() =>
      db.execute({ sql: 'INSERT INTO reminders (purchase_id, kind, sent_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING RETURNING purchase_id', args: [purchaseId, kind, now] }),
    );
    if (claimed.rows.length === 0) continue;
    const lang = String(r.lang);
    try {
      const rendered = await renderDeadlineReminderEmail({
        lang,
        siteTitle: site.title,
        authorName: site.author.name,
        productTitle: pick(product.title, lang, site.defaultLanguage),
        deadlineLabel: deadlineLabel(lang, accessUntil, product.timeZone, now),
        daysLeft: kind === '7d' ? 7 : 1,
        libraryUrl: `${getEnv().SITE_URL}${libraryPath(lang, product.id)}`,
      });
      await sendEmail({ to: String(r.email), ...rendered, tags: [{ name: 'category', value: 'deadline-reminder' }] });
      run.sent++;
    } catch (err) {
      // Hand the claim back: the next tick tries again.
      await serializeWrites(() => db.execute({ sql: 'DELETE FROM reminders WHERE purchase_id = ? AND kind = ?', args: [purchaseId, kind] }));
      console.error(`deadline reminder for purchase ${purchaseId} not sent: ${(err as Error).message}`);
      run.failed++;
    }
  }
  return run;
}
