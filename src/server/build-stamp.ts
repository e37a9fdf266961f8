import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

// What a build depends on. A change to any of these makes `npm start` build again.
const INPUTS = ['src', 'content', 'emails', 'astro.config.mjs', 'package-lock.json'];
const STAMP = '.drumbeat-build-stamp';
/** The build's second server entry (src/server/runtime.ts), beside entry.mjs. */
export const RUNTIME_FILE = 'runtime.mjs';

function walk(p: string, out: string[]): void {
  if (!existsSync(p)) return;
  const st = statSync(p);
  if (st.isDirectory()) {
    for (const name of readdirSync(p).sort()) {
      if (name.startsWith('.') || name.endsWith('.test.ts')) continue;
      walk(path.join(p, name), out);
    }
  } else {
    out.push(`${p}:${st.size}:${Math.floor(st.mtimeMs)}`);
  }
}

export function sourceFingerprint(root: string): string {
  const entries: string[] = [];
  for (const input of INPUTS) walk(path.join(root, input), entries);
  const hash = createHash('sha256');
  for (const e of entries) hash.update(path.relative(root, e)).update('\n');
  return hash.digest('hex');
}

export function writeBuildStamp(root: string, outDir: string): void {
  writeFileSync(path.join(outDir, STAMP), sourceFingerprint(root));
}

export function buildIsCurrent(root: string, outDir: string): boolean {
  const stamp = path.join(outDir, STAMP);
  if (!existsSync(path.join(outDir, 'server', 'entry.mjs')) || !existsSync(path.join(outDir, 'server', RUNTIME_FILE)) || !existsSync(stamp)) return false;
  return readFileSync(stamp, 'utf8') === sourceFingerprint(root);
}
