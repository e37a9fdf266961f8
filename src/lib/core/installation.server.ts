import { createHash, randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { getDb, serializeWrites, type Database } from './db/client.server.ts';
import { appSettings } from './db/schema.ts';
import { getEnv } from './env.server.ts';

// Which installation this is, for idempotency keys and Message-IDs (docs/decisions/012). Ids in
// the database start at 1 everywhere, so a key made of them alone repeats between staging and
// production on one Resend or Stripe account. The random id lives in the database (migration 0004):
// a restored backup is the same installation and its replays are answered, not sent twice. The
// site's origin is mixed in, so a copy of the database serving another site is another installation.

const cache = new WeakMap<Database, Map<string, string>>();

async function installationId(db: Database): Promise<string> {
  const read = async () => (await db.query.appSettings.findFirst({ where: eq(appSettings.key, 'installation_id') }))?.value;
  const existing = await read();
  if (existing) return existing;
  // Migration 0004 writes it; this covers a database someone emptied by hand.
  await serializeWrites(() => db.insert(appSettings).values({ key: 'installation_id', value: randomBytes(16).toString('hex') }).onConflictDoNothing());
  return (await read())!;
}

/** 16 hex characters naming this installation (database and site), the same in every process. */
async function installationKey(): Promise<string> {
  const db = getDb();
  const site = getEnv().SITE_URL;
  const known = cache.get(db)?.get(site);
  if (known) return known;
  const key = createHash('sha256').update(`${await installationId(db)}\n${new URL(site).origin}`).digest('hex').slice(0, 16);
  if (!cache.has(db)) cache.set(db, new Map());
  cache.get(db)!.set(site, key);
  return key;
}

/**
 * The idempotency key of one operation ("receipt/cs_…", "send/205-en/batch-3-…"): unique per
 * installation (docs/decisions/012), the same on every retry of that operation. Resend and Stripe
 * keep a key 24 hours and answer a repeat with the first result instead of acting again.
 */
export async function idempotencyKey(operation: string): Promise<string> {
  const key = `drumbeat/${await installationKey()}/${operation.replace(/[^A-Za-z0-9._:/-]/g, '_')}`;
  // Both providers take up to 255 characters; a long operation keeps its start and a digest.
  return key.length <= 200 ? key : `${key.slice(0, 160)}~${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;
}
