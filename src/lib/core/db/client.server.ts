import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client, Config } from '@libsql/client';
import { createClient as createFileClient } from '@libsql/client/sqlite3';
import { sql } from 'drizzle-orm';
import type { LibSQLDatabase } from 'drizzle-orm/libsql';
import { drizzle } from 'drizzle-orm/libsql/sqlite3';
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
  const config: Config = { url: env.DATABASE_URL, authToken: env.DATABASE_AUTH_TOKEN, timeout: 10_000 };
  db = drizzle(env.DATABASE_URL.startsWith('file:') ? createFileClient(config) : remoteClient(config), { schema }) as Database;
  return db;
}

/**
 * A libSQL server or Turso: @libsql/client's full entry, with its HTTP and WebSocket clients (about
 * 60 modules and Node's https, tls and net). Loaded only for such a URL: a file database needs
 * only the SQLite client, and the CLI's start pays for what it uses (docs/decisions/038).
 * Synchronous, as getDb is: a require, which Node answers with the package's CommonJS build.
 */
function remoteClient(config: Config): Client {
  const { createClient } = createRequire(import.meta.url)('@libsql/client') as typeof import('@libsql/client');
  return createClient(config);
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
  dbFile = undefined;
}

type Write = { fn: () => Promise<unknown>; resolve: (v: unknown) => void; reject: (e: unknown) => void };
const urgent: Write[] = [];
const deferred: Write[] = [];
let writing = false;
const backgroundWrites = new AsyncLocalStorage<true>();

/**
 * Work started by `inBackground` (what runs after a response is written) writes after every write
 * a visitor is waiting for: under a flood of POST /subscribe the answers stay fast and the emails
 * behind them wait, instead of every answer queueing behind hundreds of emails' bookkeeping.
 */
export function inBackground<T>(fn: () => Promise<T>): Promise<T> {
  return backgroundWrites.run(true, fn);
}

function pump(): void {
  if (writing) return;
  const next = urgent.shift() ?? deferred.shift();
  if (!next) return;
  writing = true;
  let run: Promise<unknown>;
  try {
    run = next.fn();
  } catch (err) {
    run = Promise.reject(err);
  }
  run.then(next.resolve, next.reject).finally(() => {
    writing = false;
    pump();
  });
}

/**
 * Runs database writes of this process one after another. The embedded SQLite driver blocks the
 * thread while it waits for a lock, so a second connection writing while an interactive
 * transaction of this same process is open would wait for a transaction that can no longer move.
 * Writes a visitor waits for go before background ones (see inBackground); each lane keeps its order.
 */
export function serializeWrites<T>(fn: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    (backgroundWrites.getStore() ? deferred : urgent).push({ fn, resolve: resolve as (v: unknown) => void, reject });
    pump();
  });
}

let dbFile: string | null | undefined;

/**
 * A cheap "may the database have changed?" mark: the size and modification time of the embedded
 * database's write-ahead log (or file), which every commit by any process (this server, the CLI,
 * another instance) touches. One stat call, no query. undefined for a libSQL server or Turso,
 * whose changes cannot be seen from here: callers then ask the database every time.
 */
export function databaseChangeMark(): string | undefined {
  if (dbFile === undefined) {
    const url = getEnv().DATABASE_URL;
    dbFile = url.startsWith('file:') ? fileURLToPath(new URL(url, `file://${process.cwd()}/`)) : null;
  }
  if (dbFile === null) return undefined;
  // In WAL mode every commit writes the log (a checkpoint empties it, and the next commit writes
  // it again): one stat. Without a log, the file itself.
  const wal = statSync(`${dbFile}-wal`, { throwIfNoEntry: false });
  if (wal) return `w${wal.size}:${wal.mtimeMs}:${wal.ino}`;
  const main = statSync(dbFile, { throwIfNoEntry: false });
  return `m${main?.size}:${main?.mtimeMs}`;
}
