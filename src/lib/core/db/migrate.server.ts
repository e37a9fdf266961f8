import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrate } from 'drizzle-orm/libsql/migrator';
import { loadAppSecret } from '../secret.server.ts';
import { getDb, tuneConnection } from './client.server.ts';

// Beside this file in the sources (the CLI); in the built server this file is a chunk under
// dist/server/chunks/, and the build copies the migrations to dist/server/migrations/
// (src/app/integration.ts), so a server started from any directory finds them.
const CANDIDATES = ['./migrations', '../migrations'].map((rel) => fileURLToPath(new URL(rel, import.meta.url)));
const migrationsFolder = CANDIDATES.find((dir) => existsSync(path.join(dir, 'meta', '_journal.json')));

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
  // Serving an old schema would fail later, request by request: refuse now instead.
  if (!migrationsFolder) throw new Error(`no database migrations found (looked in ${CANDIDATES.join(', ')})`);
  // Processes starting together on one database race: each reads which migrations are applied,
  // then runs the rest as one atomic batch. The loser's batch fails on a table the winner just
  // made and rolls back whole; reading again finds the work done (or what is left).
  for (let attempt = 1; ; attempt++) {
    try {
      await migrate(db, { migrationsFolder });
      break;
    } catch (err) {
      if (attempt >= 6) throw err;
      await new Promise((resolve) => setTimeout(resolve, 40 * attempt + Math.random() * 80));
    }
  }
  await loadAppSecret(db);
}
