import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrate } from 'drizzle-orm/libsql/migrator';
import { getDb, tuneConnection } from './client.server.ts';

// Beside this file when run from the sources (CLI, npm start); inside the built server bundle this
// file moved, so fall back to the sources in the project the server runs from.
const besideSource = fileURLToPath(new URL('./migrations', import.meta.url));
const migrationsFolder = existsSync(besideSource) ? besideSource : path.resolve('src/lib/core/db/migrations');

let prepared: Promise<void> | undefined;

/** prepareDatabase once per process (the web server calls it on its first request). */
export function ensureDatabase(): Promise<void> {
  return (prepared ??= prepareDatabase().catch((err) => {
    prepared = undefined;
    throw err;
  }));
}

/** Brings the database to the current schema; safe to run from several processes at once. */
export async function prepareDatabase(): Promise<void> {
  const db = getDb();
  await tuneConnection(db);
  if (existsSync(`${migrationsFolder}/meta/_journal.json`)) {
    await migrate(db, { migrationsFolder });
  }
}
