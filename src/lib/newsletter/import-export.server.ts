import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { and, asc, eq, gt, sql, type SQL } from 'drizzle-orm';
import { nowMs } from '../core/clock.ts';
import { getDb, serializeWrites } from '../core/db/client.server.ts';
import { subscribers, type SubscriberStatus } from '../core/db/schema.ts';
import { isLang, type Lang } from '../../i18n/lang.ts';
import { DRUMBEAT_COLUMNS, detectFormat, oneLine, rowMapper, type ImportFormat, type ImportedSubscriber } from './csv-formats.ts';
import { describeError } from '../core/errors.ts';
import { erasedAmong } from './erasure.server.ts';

export interface SkippedLine {
  /** line in the file where the record starts (the header is line 1) */
  line: number;
  email: string;
  reason: string;
}

export interface ImportReport {
  format: ImportFormat;
  /** records in the file, header excluded */
  total: number;
  imported: number;
  updated: number;
  unchanged: number;
  skipped: SkippedLine[];
}

export interface ImportOptions {
  defaultLang: Lang;
  languages: readonly Lang[];
  /** called after each committed chunk, counting the rows left after validation */
  onProgress?: (done: number, total: number) => void;
}

type ImportRow = ImportedSubscriber & { line: number };

// Small enough to keep each write lock short for the live site, large enough that 100,000 rows
// take a couple of hundred transactions.
const CHUNK = 500;
const PAGE = 1000;
const SUPPRESSED: ReadonlySet<SubscriberStatus> = new Set(['unsubscribed', 'bounced', 'complained', 'suppressed']);

/** Parses, validates and de-duplicates the whole file; nothing is written, so a broken file imports nothing. */
export function readSubscribersCsv(text: string): { format: ImportFormat; total: number; rows: ImportRow[]; skipped: SkippedLine[] } {
  let records: string[][];
  try {
    // Column counts are checked below, where we know the line numbers.
    records = parse(text, { bom: true, relax_column_count: true });
  } catch (err) {
    throw new Error(`Cannot read the CSV file: ${describeError(err)}`);
  }
  let format: ImportFormat | undefined;
  let header: string[] = [];
  let map: ReturnType<typeof rowMapper> | undefined;
  let total = 0;
  const rows: ImportRow[] = [];
  const skipped: SkippedLine[] = [];
  const seen = new Set<string>();
  let line = 1;
  for (const record of records) {
    const start = line;
    line += linesSpanned(record);
    if (record.length === 1 && record[0]!.trim() === '') continue;
    if (!map) {
      header = record;
      format = detectFormat(header);
      map = rowMapper(format, header);
      continue;
    }
    if (record.length !== header.length) {
      throw new Error(`Cannot read the CSV file: line ${start} has ${record.length} fields, the header has ${header.length}.`);
    }
    total++;
    const row = map(record);
    if ('skip' in row) skipped.push({ line: start, email: row.email, reason: row.skip });
    else if (seen.has(row.email)) skipped.push({ line: start, email: row.email, reason: 'duplicate in file' });
    else {
      seen.add(row.email);
      rows.push(Object.assign(row, { line: start }));
    }
  }
  if (!format) throw new Error('The CSV file is empty.');
  return { format, total, rows, skipped };
}

// Each chunk's new rows go in as one JSON parameter read by json_each: a statement with thousands
// of placeholders (or the query builder's equivalent) costs more to prepare than the write itself.
const INSERT_COLUMNS = ['email', 'lang', 'status', 'source', 'consent_version', 'consent_at', 'confirmed_at', 'unsubscribed_at', 'status_reason', 'created_at', 'updated_at', 'name'] as const;
type InsertTuple = [string, Lang, SubscriberStatus, string, string, number, number | null, number | null, string | null, number, number, string | null];
const insertFromJson = (rows: InsertTuple[]) =>
  sql.raw(`INSERT INTO subscribers (${INSERT_COLUMNS.join(', ')}) SELECT ${INSERT_COLUMNS.map((_, i) => `value ->> ${i}`).join(', ')} FROM json_each(`).append(sql`${JSON.stringify(rows)})`);

type SubscriberChange = Partial<typeof subscribers.$inferInsert>;

export async function importSubscribersCsv(text: string, opts: ImportOptions): Promise<ImportReport> {
  const file = readSubscribersCsv(text);
  const report: ImportReport = { format: file.format, total: file.total, imported: 0, updated: 0, unchanged: 0, skipped: file.skipped };
  const db = getDb();
  for (let start = 0; start < file.rows.length; start += CHUNK) {
    const chunk = file.rows.slice(start, start + CHUNK);
    const counts = { imported: 0, updated: 0, unchanged: 0 };
    const skipped: SkippedLine[] = [];
    try {
      await serializeWrites(() =>
        db.transaction(async (tx) => {
          const at = nowMs();
          const existing = await tx
            .select({ email: subscribers.email, status: subscribers.status, unsubscribedAt: subscribers.unsubscribedAt, name: subscribers.name })
            .from(subscribers)
            .where(sql`${subscribers.email} IN (SELECT value FROM json_each(${JSON.stringify(chunk.map((r) => r.email))}))`);
          const here = new Map(existing.map((r) => [r.email, r]));
          // An erased address is never brought back by a file, even one who has since subscribed again here (docs/decisions/019).
          const erased = await erasedAmong(tx, chunk.map((r) => r.email));
          const inserts: InsertTuple[] = [];
          for (const row of chunk) {
            if (erased.has(row.email)) {
              skipped.push({ line: row.line, email: row.email, reason: 'erased' });
              continue;
            }
            const current = here.get(row.email);
            if (!current) {
              const lang = isLang(row.lang, opts.languages) ? row.lang : opts.defaultLang;
              const consent = consentOf(row, file.format);
              inserts.push([row.email, lang, row.status, consent.source, consent.consentVersion, consent.consentAt, consent.confirmedAt, row.unsubscribedAt ?? null, row.reason ?? null, at, at, row.name ?? null]);
              continue;
            }
            const change = decide(current, row, file.format, at);
            if (change === 'unchanged') counts.unchanged++;
            else if ('skip' in change) skipped.push({ line: row.line, email: row.email, reason: change.skip });
            else {
              await tx.update(subscribers).set(change.set).where(eq(subscribers.email, row.email));
              counts.updated++;
            }
          }
          if (inserts.length > 0) await tx.run(insertFromJson(inserts));
          counts.imported = inserts.length;
        }, { behavior: 'immediate' }),
      );
    } catch (err) {
      const saved = start > 0 ? `rows before line ${chunk[0]!.line} were saved` : 'nothing was saved';
      throw new Error(`Import stopped at line ${chunk[0]!.line} (${saved}): ${describeError(err)}`, { cause: err });
    }
    report.imported += counts.imported;
    report.updated += counts.updated;
    report.unchanged += counts.unchanged;
    report.skipped.push(...skipped);
    opts.onProgress?.(start + chunk.length, file.rows.length);
  }
  report.skipped.sort((a, b) => a.line - b.line);
  return report;
}

type Existing = { status: SubscriberStatus; unsubscribedAt: number | null; name: string | null };

/**
 * What an import may do to an address we already have: suppress it, or confirm a pending one; never
 * revive it. A name fills in one we lack (a person the file skips keeps what we have, as it is).
 */
function decide(current: Existing, row: ImportedSubscriber, format: ImportFormat, at: number): 'unchanged' | { skip: string } | { set: SubscriberChange } {
  const decision = decideStatus(current, row, format, at);
  if (current.name !== null || row.name === undefined || (decision !== 'unchanged' && 'skip' in decision)) return decision;
  return decision === 'unchanged' ? { set: { name: row.name, updatedAt: at } } : { set: { ...decision.set, name: row.name } };
}

function decideStatus(current: Existing, row: ImportedSubscriber, format: ImportFormat, at: number): 'unchanged' | { skip: string } | { set: SubscriberChange } {
  if (SUPPRESSED.has(current.status)) {
    if (SUPPRESSED.has(row.status)) return 'unchanged';
    if (current.status === 'suppressed') return { skip: 'suppressed by the author' };
    if (current.status !== 'unsubscribed') return { skip: `suppressed (${current.status})` };
    return { skip: current.unsubscribedAt === null ? 'unsubscribed here' : `unsubscribed here on ${isoTime(current.unsubscribedAt).slice(0, 10)}` };
  }
  if (SUPPRESSED.has(row.status)) {
    // Without a date in the file, the import is when we learned of it.
    const unsubscribedAt = row.unsubscribedAt ?? (row.status === 'unsubscribed' ? at : null);
    return { set: { status: row.status, unsubscribedAt, statusReason: row.reason ?? null, updatedAt: at } };
  }
  if (current.status === 'pending' && row.status === 'active') {
    // The imported consent is what makes the address active now, so it replaces the pending signup's.
    return { set: { status: 'active', ...consentOf(row, format), updatedAt: at } };
  }
  return 'unchanged';
}

function consentOf(row: ImportedSubscriber, format: ImportFormat) {
  return {
    source: row.source ?? `import:${format}`,
    consentVersion: row.consentVersion ?? `import:${format}`,
    consentAt: row.consentAt,
    confirmedAt: row.confirmedAt ?? null,
  };
}

/** Every subscriber, any status (or those `where` picks), as CSV in our own format, one page at a time; returns the row count. */
export async function exportSubscribersCsv(write: (chunk: string) => void | Promise<void>, where?: SQL): Promise<number> {
  const db = getDb();
  await write(stringify([[...DRUMBEAT_COLUMNS]]));
  let count = 0;
  let afterId = 0;
  for (;;) {
    const page = await db.select().from(subscribers).where(and(gt(subscribers.id, afterId), where)).orderBy(asc(subscribers.id)).limit(PAGE);
    if (page.length === 0) return count;
    const rows = page.map((s) => [s.email, s.status, s.lang, isoTime(s.consentAt), isoTime(s.confirmedAt), isoTime(s.unsubscribedAt), s.source, s.consentVersion, s.statusReason ?? '', s.name ?? '']);
    await write(stringify(rows));
    count += page.length;
    afterId = page.at(-1)!.id;
  }
}

function isoTime(ms: number | null): string {
  return ms === null ? '' : new Date(ms).toISOString();
}

function linesSpanned(record: string[]): number {
  let lines = 1;
  for (const field of record) if (field.includes('\n') || field.includes('\r')) lines += field.split(/\r\n|\r|\n/).length - 1;
  return lines;
}
