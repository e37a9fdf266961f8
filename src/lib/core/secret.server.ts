import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { getEnv } from './env.server.ts';

let cached: string | undefined;

/**
 * The key for signed tokens: APP_SECRET, or one generated on first use into DATA_DIR/app-secret
 * (never logged, never in git), so every process sharing DATA_DIR signs alike.
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
