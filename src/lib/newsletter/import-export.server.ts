import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { InValue, Transaction } from '@libsql/client';
import { nowMs } from '../clock.ts';
import { getDb } from '../db/client.server.ts';
import type { SubscriberStatus } from '../db/schema.ts';
import { DRUMBEAT_COLUMNS, detectFormat, oneLine, rowMapper, type ImportFormat, type ImportedSubscriber } from './csv-formats.ts';

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
  defaultLang: string;
  languages: string[];
  /** called after each committed chunk, counting the rows left after validation */
  onProgress?: (done: number, total: number) => void;
}

type ImportRow = ImportedSubscriber & { line: number };

// Small enough to keep each write lock short for the live site, large enough that 100,000 rows
// take a couple of hundred transactions.
const CHUNK = 500;
const PAGE = 1000;
const SUPPRESSED: ReadonlySet<SubscriberStatus> = new Set(['unsubscribed', 'bounced', 'complained']);

/** Parses, validates and de-duplicates the whole file; nothing is written, so a broken file imports nothing. */
export function readSubscribersCsv(text: string): { format: ImportFormat; total: number; rows: ImportRow[]; skipped: SkippedLine[] } {
  let records: string[][];
  try {
    // Column counts are checked below, where we know the line numbers.
    records = parse(text, { bom: true, relax_column_count: true });
  } catch (err) {
    throw new Error(`Cannot read the CSV file: ${oneLine((err as Error).message)}`);
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

// Plain SQL on the libSQL client, each chunk's rows as one JSON parameter: Drizzle's builder, or
// a statement with thousands of placeholders, costs more to prepare than the database takes to write.
const INSERT_COLUMNS = ['email', 'lang', 'status', 'source', 'consent_version', 'consent_at', 'confirmed_at', 'unsubscribed_at', 'status_reason', 'created_at', 'updated_at'];
const INSERT_SQL = `INSERT INTO subscribers (${INSERT_COLUMNS.join(', ')}) SELECT ${INSERT_COLUMNS.map((_, i) => `value ->> ${i}`).join(', ')} FROM json_each(?)`;

export async function importSubscribersCsv(text: string, opts: ImportOptions): Promise<ImportReport> {
  const file = readSubscribersCsv(text);
  const report: ImportReport = { format: file.format, total: file.total, imported: 0, updated: 0, unchanged: 0, skipped: file.skipped };
  const client = getDb().$client;
  for (let start = 0; start < file.rows.length; start += CHUNK) {
    const chunk = file.rows.slice(start, start + CHUNK);
    let tx: Transaction | undefined;
    try {
      tx = await client.transaction('write');
      const at = nowMs();
      const existing = await tx.execute({
        sql: 'SELECT email, status, unsubscribed_at FROM subscribers WHERE email IN (SELECT value FROM json_each(?))',
        args: [JSON.stringify(chunk.map((r) => r.email))],
      });
      const here = new Map(existing.rows.map((r) => [r.email as string, { status: r.status as SubscriberStatus, unsubscribedAt: r.unsubscribed_at as number | null }]));
      const inserts: InValue[][] = [];
      for (const row of chunk) {
        const current = here.get(row.email);
        if (!current) {
          const lang = row.lang && opts.languages.includes(row.lang) ? row.lang : opts.defaultLang;
          const consent = consentOf(row, file.format);
          inserts.push([row.email, lang, row.status, consent.source, consent.consent_version, consent.consent_at, consent.confirmed_at, row.unsubscribedAt ?? null, row.reason ?? null, at, at]);
          continue;
        }
        const change = decide(current, row, file.format, at);
        if (change === 'unchanged') report.unchanged++;
        else if ('skip' in change) report.skipped.push({ line: row.line, email: row.email, reason: change.skip });
        else {
          const columns = Object.keys(change.set);
          await tx.execute({ sql: `UPDATE subscribers SET ${columns.map((c) => `${c} = ?`).join(', ')} WHERE email = ?`, args: [...Object.values(change.set), row.email] });
          report.updated++;
        }
      }
      if (inserts.length > 0) await tx.execute({ sql: INSERT_SQL, args: [JSON.stringify(inserts)] });
      await tx.commit();
      report.imported += inserts.length;
    } catch (err) {
      const saved = start > 0 ? `rows before line ${chunk[0]!.line} were saved` : 'nothing was saved';
      throw new Error(`Import stopped at line ${chunk[0]!.line} (${saved}): ${oneLine((err as Error).message)}`, { cause: err });
    } finally {
      tx?.close();
    }
    opts.onProgress?.(start + chunk.length, file.rows.length);
  }
  report.skipped.sort((a, b) => a.line - b.line);
  return report;
}

type Existing = { status: SubscriberStatus; unsubscribedAt: number | null };

/** What an import may do to an address we already have: suppress it, or confirm a pending one; never revive it. */
function decide(current: Existing, row: ImportedSubscriber, format: ImportFormat, at: number): 'unchanged' | { skip: string } | { set: Record<string, InValue> } {
  if (SUPPRESSED.has(current.status)) {
    if (SUPPRESSED.has(row.status)) return 'unchanged';
    if (current.status !== 'unsubscribed') return { skip: `suppressed (${current.status})` };
    return { skip: current.unsubscribedAt === null ? 'unsubscribed here' : `unsubscribed here on ${isoTime(current.unsubscribedAt).slice(0, 10)}` };
  }
  if (SUPPRESSED.has(row.status)) {
    // Without a date in the file, the import is when we learned of it.
    const unsubscribedAt = row.unsubscribedAt ?? (row.status === 'unsubscribed' ? at : null);
    return { set: { status: row.status, unsubscribed_at: unsubscribedAt, status_reason: row.reason ?? null, updated_at: at } };
  }
  if (current.status === 'pending' && row.status === 'active') {
    // The imported consent is what makes the address active now, so it replaces the pending signup's.
    return { set: { status: 'active', ...consentOf(row, format), updated_at: at } };
  }
  return 'unchanged';
}

function consentOf(row: ImportedSubscriber, format: ImportFormat) {
  return {
    source: row.source ?? `import:${format}`,
    consent_version: row.consentVersion ?? `import:${format}`,
    consent_at: row.consentAt,
    confirmed_at: row.confirmedAt ?? null,
  };
}

/** Every subscriber, any status, as CSV in our own format, one page at a time; returns the row count. */
export async function exportSubscribersCsv(write: (chunk: string) => void | Promise<void>): Promise<number> {
  const client = getDb().$client;
  await write(stringify([[...DRUMBEAT_COLUMNS]]));
  let count = 0;
  let afterId = 0;
  for (;;) {
    const page = await client.execute({
      sql: `SELECT id, email, status, lang, consent_at, confirmed_at, unsubscribed_at, source, consent_version, status_reason
            FROM subscribers WHERE id > ? ORDER BY id LIMIT ${PAGE}`,
      args: [afterId],
    });
    if (page.rows.length === 0) return count;
    const rows = page.rows.map((s) => [s.email, s.status, s.lang, isoTime(s.consent_at), isoTime(s.confirmed_at), isoTime(s.unsubscribed_at), s.source, s.consent_version, s.status_reason ?? '']);
    await write(stringify(rows as string[][]));
    count += page.rows.length;
    afterId = page.rows.at(-1)!.id as number;
  }
}

function isoTime(ms: unknown): string {
  return ms === null ? '' : new Date(ms as number).toISOString();
}

function linesSpanned(record: string[]): number {
  let lines = 1;
  for (const field of record) if (field.includes('\n') || field.includes('\r')) lines += field.split(/\r\n|\r|\n/).length - 1;
  return lines;
}
