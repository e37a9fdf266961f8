import { copyFileSync, existsSync, fsyncSync, openSync, closeSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createClient, type Client } from '@libsql/client';
import { sql } from 'drizzle-orm';
import { nowMs } from '../clock.ts';
import { getEnv } from '../env.server.ts';
import { closeDb, getDb } from './client.server.ts';
import { livePresences, PRESENCE_STALE_MS } from './presence.server.ts';

// `drumbeat db backup | restore | check` (docs/decisions/022). A backup is `VACUUM INTO`: one read
// transaction, so a consistent copy of every row committed before it began, taken while the site
// serves and writes (WAL readers do not block writers). A restore checks the copy first, refuses
// while a server or worker announces itself on the database (presence.server.ts), keeps the
// database it replaces beside it, and swaps files by rename, so nothing is ever half-written.

/** A refusal in words, for the CLI to print on one line. */
export class MaintenanceError extends Error {}

export const REMOTE_BACKUPS =
  'DATABASE_URL points at a libSQL server or Turso, which keeps its own backups (sqld snapshots, Turso point-in-time restore): see "Backups" in docs/deploy.md';

/** The embedded database's file, or undefined for a libSQL server. */
export function databaseFile(): string | undefined {
  const url = getEnv().DATABASE_URL;
  if (!url.startsWith('file:')) return undefined;
  return fileURLToPath(new URL(url, pathToFileURL(`${process.cwd()}/`)));
}

function embeddedFile(): string {
  const file = databaseFile();
  if (!file) throw new MaintenanceError(REMOTE_BACKUPS);
  return file;
}

interface Journal {
  entries: { idx: number; when: number; tag: string }[];
}

/** The migrations this code knows (the sources' folder; the CLI runs from the sources). */
function codeMigrations(): Journal['entries'] {
  const journal = fileURLToPath(new URL('./migrations/meta/_journal.json', import.meta.url));
  return (JSON.parse(readFileSync(journal, 'utf8')) as Journal).entries;
}

export interface MigrationLevel {
  applied: number;
  known: number;
  /** applied migrations this code does not know: the database was made by a newer Drumbeat */
  newer: boolean;
  latest?: string;
}

type Runner = { execute(q: string): Promise<{ rows: Record<string, unknown>[] }> };

async function migrationLevel(db: Runner): Promise<MigrationLevel | undefined> {
  const known = codeMigrations();
  const table = await db.execute(`SELECT name FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'`);
  if (table.rows.length === 0) return undefined;
  const rows = await db.execute('SELECT created_at FROM __drizzle_migrations');
  const last = Math.max(0, ...rows.rows.map((r) => Number(r.created_at)));
  const applied = known.filter((m) => m.when <= last);
  return { applied: applied.length, known: known.length, newer: last > (known.at(-1)?.when ?? 0), latest: applied.at(-1)?.tag };
}

/** "ok", or the first problems PRAGMA integrity_check (or opening the file) reports. */
async function integrity(db: Runner): Promise<string> {
  try {
    const r = await db.execute('PRAGMA integrity_check');
    const lines = r.rows.map((row) => String(Object.values(row)[0]));
    return lines.length === 1 && lines[0] === 'ok' ? 'ok' : lines.slice(0, 3).join('; ');
  } catch (err) {
    // "SQLITE_NOTADB: file is not a database": the words, without the code.
    return String((err as Error).message ?? err).split('\n')[0]!.replace(/^SQLITE_[A-Z_]+: /, '');
  }
}

async function rowCounts(db: Runner): Promise<{ table: string; rows: number }[]> {
  const tables = await db.execute(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '\\_\\_%' ESCAPE '\\' ORDER BY name`);
  const counts = [];
  for (const { name } of tables.rows) {
    const r = await db.execute(`SELECT count(*) AS n FROM "${String(name).replaceAll('"', '""')}"`);
    counts.push({ table: String(name), rows: Number(r.rows[0]!.n) });
  }
  return counts;
}

const appRunner = (): Runner => ({ execute: (q) => getDb().$client.execute(q) as never });

export interface CheckReport {
  integrity: string;
  migrations: MigrationLevel | undefined;
  tables: { table: string; rows: number }[];
}

/** `db check`: the database of DATABASE_URL, embedded or on a libSQL server. */
export async function checkDatabase(): Promise<CheckReport> {
  const file = databaseFile();
  if (file && !existsSync(file)) throw new MaintenanceError(`there is no database at ${file} yet (npm start or any command creates it)`);
  const db = appRunner();
  const report = { integrity: await integrity(db), migrations: await migrationLevel(db), tables: [] as CheckReport['tables'] };
  if (report.integrity === 'ok') report.tables = await rowCounts(db);
  return report;
}

function flush(file: string): void {
  const fd = openSync(file, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** `db backup FILE`: a consistent copy of the embedded database, written whole or not at all. */
export async function backupDatabase(target: string, options: { force?: boolean } = {}): Promise<{ file: string; bytes: number }> {
  const source = embeddedFile();
  const file = path.resolve(target);
  if (!existsSync(source)) throw new MaintenanceError(`there is no database at ${source} to back up`);
  if (file === source || file.startsWith(`${source}-`)) throw new MaintenanceError(`${target} is the database itself; choose another file`);
  if (existsSync(file) && !options.force) throw new MaintenanceError(`${target} already exists (add --force to replace it)`);
  if (existsSync(file) && statSync(file).isDirectory()) throw new MaintenanceError(`${target} is a folder; give a file name`);
  const partial = `${file}.partial-${process.pid}`;
  rmSync(partial, { force: true });
  try {
    // Not in the write queue: it is a read, and writers go on while it runs.
    await getDb().run(sql`VACUUM INTO ${partial}`);
    flush(partial);
    renameSync(partial, file);
  } finally {
    rmSync(partial, { force: true });
  }
  return { file, bytes: statSync(file).size };
}

/** A database file that is not the app's: a backup being checked or brought back. */
function openOther(file: string): Client {
  return createClient({ url: pathToFileURL(file).href });
}

/** `db restore FILE`: checks FILE, refuses under a running server, swaps it in by rename. */
export async function restoreDatabase(source: string): Promise<{ file: string; keptAs?: string; migrations: MigrationLevel }> {
  const target = embeddedFile();
  const from = path.resolve(source);
  if (!existsSync(from)) throw new MaintenanceError(`cannot read ${source}: no such file`);
  if (statSync(from).isDirectory()) throw new MaintenanceError(`${source} is a folder; give a backup file`);
  if (from === target) throw new MaintenanceError(`${source} is the database itself`);

  // Checked on a copy beside the database (same disk, so the swap is one rename): opening FILE
  // itself could change it (a checkpoint), and a missing file would be created empty.
  const staged = `${target}.restoring-${process.pid}`;
  const cleanStaged = () => ['', '-wal', '-shm', '-journal'].forEach((s) => rmSync(staged + s, { force: true }));
  cleanStaged();
  copyFileSync(from, staged);
  if (existsSync(`${from}-wal`)) copyFileSync(`${from}-wal`, `${staged}-wal`);
  try {
    const copy = openOther(staged);
    let level: MigrationLevel | undefined;
    try {
      const health = await integrity(copy);
      if (health !== 'ok') throw new MaintenanceError(`${source} is damaged (${health}); nothing was restored`);
      level = await migrationLevel(copy);
      if (!level) throw new MaintenanceError(`${source} is not a Drumbeat database (it has no migrations table); nothing was restored`);
      if (level.newer) throw new MaintenanceError(`${source} was made by a newer Drumbeat (its schema is ahead of this code); update the code first`);
      // One self-contained file: what a -wal beside the backup held is folded in.
      await copy.execute('PRAGMA wal_checkpoint(TRUNCATE)');
      await copy.execute('PRAGMA journal_mode = DELETE');
    } finally {
      copy.close();
    }

    let keptAs: string | undefined;
    if (existsSync(target)) {
      const live = await livePresences();
      if (live.length > 0) {
        const who = live.map((p) => `${p.kind} pid ${p.pid} on ${p.host}`).join(', ');
        throw new MaintenanceError(`the database is in use (${who}, seen in the last ${PRESENCE_STALE_MS / 1000} s); stop it first, nothing was restored`);
      }
      // Everything committed goes into the main file before it is set aside.
      await getDb().run(sql`PRAGMA wal_checkpoint(TRUNCATE)`);
      closeDb();
      keptAs = `${target}.before-restore-${new Date(nowMs()).toISOString().replace(/[:.]/g, '-')}`;
      renameSync(target, keptAs);
      for (const s of ['-wal', '-shm']) rmSync(target + s, { force: true });
    }
    flush(staged);
    renameSync(staged, target);
    return { file: target, keptAs, migrations: level! };
  } finally {
    cleanStaged();
  }
}
