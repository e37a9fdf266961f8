import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient, type Client } from '@libsql/client';
import { sql } from 'drizzle-orm';
import { drizzle, type LibSQLDatabase } from 'drizzle-orm/libsql';
import { getEnv } from '../env.server.ts';
import * as schema from './schema.ts';

export type Database = LibSQLDatabase<typeof schema> & { $client: Client };

let db: Database | undefined;

/** The one database handle of this process: embedded SQLite file by default, libSQL/Turso by URL. */
export function getDb(): Database {
  if (db) return db;
  const env = getEnv();
  if (env.DATABASE_URL.startsWith('file:')) {
    mkdirSync(path.dirname(fileURLToPath(new URL(env.DATABASE_URL, `file://${process.cwd()}/`))), { recursive: true });
  }
  // timeout: the busy timeout of every pooled connection (transactions borrow their own), so
  // concurrent writers wait for each other instead of failing with SQLITE_BUSY.
  const client = createClient({ url: env.DATABASE_URL, authToken: env.DATABASE_AUTH_TOKEN, timeout: 10_000 });
  db = drizzle(client, { schema }) as Database;
  return db;
}

/** SQLite settings that make a single file safe for a web server, a worker and the CLI at once. */
export async function tuneConnection(database: Database): Promise<void> {
  if (!getEnv().DATABASE_URL.startsWith('file:')) return;
  for (const pragma of ['journal_mode = WAL', 'busy_timeout = 5000', 'synchronous = NORMAL', 'foreign_keys = ON']) {
    await database.run(sql.raw(`PRAGMA ${pragma}`));
  }
}

export function closeDb(): void {
  db?.$client.close();
  db = undefined;
}

let writeQueue: Promise<unknown> = Promise.resolve();

/**
 * Runs database writes of this process one after another. The embedded SQLite driver blocks the
 * thread while it waits for a lock, so a second connection writing while an interactive
 * transaction of this same process is open would wait for a transaction that can no longer move.
 */
export function serializeWrites<T>(fn: () => Promise<T>): Promise<T> {
  const run = writeQueue.then(fn, fn);
  writeQueue = run.catch(() => undefined);
  return run;
}
