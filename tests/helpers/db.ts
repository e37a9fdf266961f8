import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { closeDb, getDb } from '../../src/lib/core/db/client.server.ts';
import { prepareDatabase } from '../../src/lib/core/db/migrate.server.ts';
import { resetEnvCache } from '../../src/lib/core/env.server.ts';
import { resetAppSecretCache } from '../../src/lib/core/secret.server.ts';
import { resetSiteCache } from '../../src/lib/core/site.server.ts';

/** A fresh, migrated SQLite file for this test file (real database, no mocks). */
export async function useTempDatabase(extraEnv: Record<string, string> = {}) {
  closeDb();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'drumbeat-test-'));
  process.env.DATA_DIR = dataDir;
  delete process.env.DATABASE_URL;
  Object.assign(process.env, extraEnv);
  resetEnvCache();
  resetAppSecretCache();
  resetSiteCache();
  await prepareDatabase();
  return { db: getDb(), dataDir };
}

/**
 * Points this test process at a running site's database (its DATA_DIR, the embedded default), so
 * a test can seed what the server reads and check what it wrote: one database, two processes,
 * as the scheduler and the site share one in production. The server has migrated it already.
 */
export function useSiteDatabase(site: { dataDir: string }): void {
  closeDb();
  process.env.DATA_DIR = site.dataDir;
  delete process.env.DATABASE_URL;
  resetEnvCache();
  resetAppSecretCache();
}
