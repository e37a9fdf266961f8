import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { migrate } from 'drizzle-orm/libsql/migrator';
import { getDb, tuneConnection } from './client.server.ts';

const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

/** Brings the database to the current schema; safe to run from several processes at once. */
export async function prepareDatabase(): Promise<void> {
  const db = getDb();
  await tuneConnection(db);
  if (existsSync(`${migrationsFolder}/meta/_journal.json`)) {
    await migrate(db, { migrationsFolder });
  }
}
