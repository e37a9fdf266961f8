import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { serializeWrites, type Database } from './db/client.server.ts';
import { appSettings } from './db/schema.ts';
import { getEnv } from './env.server.ts';

let cached: string | undefined;

const STORED_SECRET = 'app_secret';

/**
 * Without APP_SECRET, the generated key lives in the database, where every instance that shares it
 * finds it (web servers and a worker on one libSQL server have no DATA_DIR in common, and keys of
 * their own would refuse each other's links and count each address's mail caps apart). An older
 * installation's DATA_DIR/app-secret is carried into the database, so its mailed links keep working.
 * Called once the database is migrated (prepareDatabase).
 */
export async function loadAppSecret(db: Database): Promise<void> {
  const env = getEnv();
  if (env.APP_SECRET) return;
  const read = async () => (await db.query.appSettings.findFirst({ where: eq(appSettings.key, STORED_SECRET) }))?.value;
  let stored = await read();
  if (!stored) {
    const file = path.join(env.DATA_DIR, 'app-secret');
    const fromFile = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
    await serializeWrites(() => db.insert(appSettings).values({ key: STORED_SECRET, value: fromFile || randomBytes(32).toString('base64url') }).onConflictDoNothing());
    stored = (await read())!;
  }
  cached = stored;
}

/**
 * The key for signed tokens: APP_SECRET, or the generated one kept in the database (loadAppSecret).
 * Code that runs before any database (a unit test) gets one in DATA_DIR/app-secret, as before.
 */
export function appSecret(): string {
  if (cached) return cached;
  const env = getEnv();
  if (env.APP_SECRET) return (cached = env.APP_SECRET);
  const file = path.join(env.DATA_DIR, 'app-secret');
  mkdirSync(env.DATA_DIR, { recursive: true });
  try {
    writeFileSync(file, randomBytes(32).toString('base64url'), { flag: 'wx', mode: 0o600 });
  } catch (err) {
    // Another process won the race, or the secret already exists: read the one on disk.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return (cached = readFileSync(file, 'utf8').trim());
}

/**
 * The secrets a signed token may carry: the current one first, then APP_SECRET_PREVIOUS, so links
 * mailed before a rotation keep working until the operator removes the old secret from that list.
 */
export function verificationSecrets(): string[] {
  const current = appSecret();
  return [current, ...getEnv().APP_SECRET_PREVIOUS.filter((s) => s !== current)];
}

export function resetAppSecretCache(): void {
  cached = undefined;
}
