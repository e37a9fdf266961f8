import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');

/** A throwaway content dir with the real site.yaml (and the photo it names) and the given Notes ("en/205-x.mdx" -> source). */
export function tempContent(notes: Record<string, string>, { withSampleNotes = false } = {}): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'drumbeat-content-'));
  if (withSampleNotes) cpSync(path.join(ROOT, 'content'), dir, { recursive: true });
  else for (const file of ['site.yaml', 'author-photo.jpg']) cpSync(path.join(ROOT, 'content', file), path.join(dir, file));
  for (const [rel, source] of Object.entries(notes)) {
    const file = path.join(dir, 'notes', rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, source);
  }
  return dir;
}

export function noteSource(fm: Record<string, unknown>, body = 'Some words here.'): string {
  const lines = Object.entries(fm)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? JSON.stringify(v) : Array.isArray(v) ? JSON.stringify(v) : v}`);
  return `---\n${lines.join('\n')}\n---\n\n${body}\n`;
}
