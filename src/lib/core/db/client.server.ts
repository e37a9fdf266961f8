import { AsyncLocalStorage } from 'node:async_hooks';
import { closeSync, mkdirSync, openSync, readSync } from 'node:fs';
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
  closeWalIndex();
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

const walIndexHeader = Buffer.alloc(48);
let walIndex: number | undefined;

function closeWalIndex(): void {
  if (walIndex !== undefined) closeSync(walIndex);
  walIndex = undefined;
}

/**
 * Reads the WAL index's header into walIndexHeader through a kept descriptor: opening the file per
 * request was 14% of a cached Note's CPU, and an fstat per request to notice a deleted file another
 * 10% (syscalls are dear on these machines). None is needed: SQLite deletes the file only at the
 * last close of any process, and this process's client keeps a connection open from getDb() to
 * closeDb(), which closes the descriptor too.
 */
function readWalIndexHeader(file: string): boolean {
  if (walIndex === undefined) {
    getDb();
    try {
      walIndex = openSync(file, 'r');
    } catch {
      return false;
    }
  }
  return readSync(walIndex, walIndexHeader, 0, 48, 0) === 48;
}

/**
 * "Has the database changed since?", without a query: the header of the embedded database's
 * WAL index (the `-shm` file), which SQLite itself reads to see other connections' commits. Every
 * commit by any process (this server, the CLI, another instance, drizzle-kit) changes its change
 * counter, frame count or salts; a checkpoint may change it too, which only costs a re-read.
 * undefined when there is no WAL index (the file is not open in WAL mode yet) or the database is a
 * libSQL server or Turso: callers then ask the database every time. A stat of the log was used
 * before: its size stays the same after the log restarts and its mtime moves in clock ticks, so
 * two commits could leave one mark (docs/decisions/039).
 */
export function databaseChangeMark(): string | undefined {
  if (dbFile === undefined) {
    const url = getEnv().DATABASE_URL;
    dbFile = url.startsWith('file:') ? fileURLToPath(new URL(url, `file://${process.cwd()}/`)) : null;
  }
  if (dbFile === null) return undefined;
  // isInit (byte 12) is 0 until a connection has built the index: nothing to compare yet.
  return readWalIndexHeader(`${dbFile}-shm`) && walIndexHeader[12] === 1 ? walIndexHeader.toString('latin1') : undefined;
}

// null: not read in this turn of the event loop yet.
let turnMark: string | undefined | null = null;
const forgetTurnMark = () => {
  turnMark = null;
};

/**
 * databaseChangeMark(), read once per turn of the event loop (docs/decisions/040): the requests one
 * turn answers were all waiting when the loop woke, before the first read, so a commit the read
 * misses ended after they arrived and answering as before it is still answering in order. For what
 * a public page shows (seat counts); an access decision reads the mark itself, every time.
 */
export function databaseChangeMarkThisTurn(): string | undefined {
  if (turnMark === null) {
    turnMark = databaseChangeMark();
    setImmediate(forgetTurnMark);
  }
  return turnMark;
}
