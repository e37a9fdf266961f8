// Purchases and a signed-in buyer written straight into a Drumbeat database (already migrated),
// for the benchmarks that need a database of a given size: the CLI's `access list` and the gated
// page's growth table. Rows as a paying buyer's would be; one in 50 refunded.
import path from 'node:path';
import { createClient } from '@libsql/client';
import { hashToken, newSecretToken } from '../../src/lib/auth/tokens.ts';

export const GATED_PRODUCT = 'okr-workshop-2027-03';
const PRODUCTS = [GATED_PRODUCT, 'okr-coach'];

export function benchDatabase(dataDir: string) {
  return createClient({ url: `file:${path.join(dataDir, 'drumbeat.db')}`, timeout: 10_000 });
}

/** Adds `count` purchases numbered from `from` (so a table can be grown in steps): buyers repeat every 7,000 rows. */
export async function seedPurchases(dataDir: string, count: number, from = 0): Promise<void> {
  const db = benchDatabase(dataDir);
  const now = Date.now();
  const until = Date.parse('2027-03-26T17:00:00Z');
  // Batches of 10,000 keep one transaction's statements in memory bounded at 100k rows.
  for (let start = from; start < from + count; start += 10_000) {
    const end = Math.min(from + count, start + 10_000);
    await db.batch(
      Array.from({ length: end - start }, (_, k) => {
        const i = start + k;
        return {
          sql: `INSERT INTO purchases (email, product_id, cohort_id, lang, source, status, checkout_session_id, payment_intent_id, amount, currency, purchased_at, access_until, created_at, updated_at)
                VALUES (?, ?, ?, 'en', 'stripe', ?, ?, ?, 9700, 'eur', ?, ?, ?, ?)`,
          args: [`buyer${i % 7000}@example.com`, PRODUCTS[i % 2]!, i % 2 ? 'spring-2027' : null, i % 50 === 0 ? 'refunded' : 'paid', `cs_test_bench${i}`, `pi_test_bench${i}`, now, until, now, now],
        };
      }),
      'write',
    );
  }
  db.close();
}

/** A session for buyer42 (who bought the gated product): the cookie that signs its requests in. */
export async function signedInBuyer(dataDir: string): Promise<string> {
  const db = benchDatabase(dataDir);
  const token = newSecretToken();
  const now = Date.now();
  await db.execute({ sql: 'INSERT INTO sessions (id_hash, email, created_at, expires_at) VALUES (?, ?, ?, ?)', args: [hashToken(token), 'buyer42@example.com', now, now + 86_400_000] });
  db.close();
  return `drumbeat_session=${token}`;
}
