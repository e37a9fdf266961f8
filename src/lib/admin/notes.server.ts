import { getDb } from '../core/db/client.server.ts';
import { sends } from '../core/db/schema.ts';
import { nowMs } from '../core/clock.ts';
import { getSite } from '../core/site.server.ts';
import type { NoteCatalog } from '../notes/catalog.ts';
import { notesOverview, type NoteRow } from './notes.ts';

/** The Notes page: one query (a send row per Note and language, so as many as the Notes). */
export async function adminNotes({ catalog, now = nowMs() }: { catalog: NoteCatalog; now?: number }): Promise<{ now: number; rows: NoteRow[] }> {
  const rows = await getDb().select({ noteNumber: sends.noteNumber, lang: sends.lang, state: sends.state, sent: sends.sent, recipients: sends.recipients }).from(sends).orderBy(sends.noteNumber, sends.lang);
  return { now, rows: notesOverview(catalog, getSite(), now, rows) };
}
