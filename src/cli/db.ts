import path from 'node:path';
import { fileError, type Command, UsageError } from './shared.ts';

// `drumbeat db backup | restore | check`: the logic is in src/lib/core/db/maintenance.server.ts,
// loaded when one of them runs (decision 031).
const maintenance = () => import('../lib/core/db/maintenance.server.ts');

/** Relative to where the command runs when the file is below it, else as it is. */
const shown = (file: string) => {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') ? rel : file;
};

function oneFile(positionals: string[], usage: string): string {
  if (positionals.length !== 1) throw new UsageError(`give exactly one file, e.g. ${usage}`);
  return positionals[0]!;
}

/** Refusals are already in words; file system errors are put in words here. */
async function inWords<T>(file: string, verb: 'read' | 'write', work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    const { MaintenanceError } = await maintenance();
    if (err instanceof MaintenanceError) throw new UsageError(err.message);
    if ((err as NodeJS.ErrnoException)?.code) throw fileError(verb, file, err);
    throw err;
  }
}

const kb = (bytes: number) => `${Math.max(1, Math.round(bytes / 1024))} KB`;

export const dbCommands: Record<string, Command> = {
  'db backup': {
    summary: 'copy the embedded database to FILE, consistently, while the site runs',
    usage: 'drumbeat db backup FILE [--force]   (--force replaces an existing FILE)',
    options: { force: { type: 'boolean' } },
    async run({ values, positionals }) {
      const target = oneFile(positionals, 'drumbeat db backup backups/drumbeat-2026-12-02.db');
      const { backupDatabase, databaseFile } = await maintenance();
      const r = await inWords(target, 'write', () => backupDatabase(target, { force: values.force === true }));
      console.log(`Backed up ${shown(databaseFile()!)} to ${shown(r.file)} (${kb(r.bytes)}).`);
    },
  },
  'db restore': {
    summary: 'replace the embedded database with a backup (checked first; refused while a server or worker runs)',
    usage: 'drumbeat db restore FILE',
    options: {},
    async run({ positionals }) {
      const source = oneFile(positionals, 'drumbeat db restore backups/drumbeat-2026-12-02.db');
      const { restoreDatabase } = await maintenance();
      const r = await inWords(source, 'read', () => restoreDatabase(source));
      const pending = r.migrations.known - r.migrations.applied;
      console.log(
        `Restored ${shown(source)} into ${shown(r.file)}${r.keptAs ? `; the database it replaced is kept as ${shown(r.keptAs)}` : ''}.` +
          (pending > 0 ? ` ${pending} newer migrations run at the next start.` : ''),
      );
    },
  },
  'db check': {
    summary: 'integrity, migration level and row counts of the database',
    usage: 'drumbeat db check',
    options: {},
    async run() {
      const { checkDatabase, databaseFile } = await maintenance();
      const r = await inWords(databaseFile() ?? 'the database', 'read', () => checkDatabase());
      const m = r.migrations;
      console.log(`integrity: ${r.integrity}`);
      console.log(
        `migrations: ${m ? `${m.applied} of ${m.known} applied${m.latest ? ` (latest ${m.latest})` : ''}${m.newer ? ', and some this code does not know: made by a newer Drumbeat' : m.applied < m.known ? `; ${m.known - m.applied} run at the next start` : ''}` : 'none applied (not a Drumbeat database yet)'}`,
      );
      for (const t of r.tables) console.log(`${t.table}\t${t.rows}`);
      if (r.integrity !== 'ok') throw new UsageError('the database is damaged: restore a backup (npx drumbeat db restore FILE)');
      if (m?.newer) throw new UsageError('the database is ahead of this code: update the code');
    },
  },
};
