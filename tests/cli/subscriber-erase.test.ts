import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/content.ts';
import { NODE24 } from '../helpers/site.ts';

// `npx drumbeat subscribers erase EMAIL` as the author runs it: a real process on a real SQLite file.

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'drumbeat-erase-cli-'));
const work = mkdtempSync(path.join(os.tmpdir(), 'drumbeat-erase-files-'));
function drumbeat(...args: string[]) {
  const r = spawnSync(NODE24, [path.join(ROOT, 'src/cli/drumbeat.mjs'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, DATA_DIR: dataDir } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('drumbeat subscribers erase', () => {
  it('prints what it removed and kept, leaves no byte of the address, and a later import skips it as erased', () => {
    const file = path.join(work, 'list.csv');
    writeFileSync(file, ['email,status,language,consent_at,confirmed_at,unsubscribed_at,source,consent_version,status_reason', 'lia.verdi@example.org,active,it,2026-01-05T10:00:00.000Z,,,/,v1,', 'tom@example.com,active,en,2026-01-05T10:00:00.000Z,,,/,v1,'].join('\n'));
    expect(drumbeat('subscribers', 'import', file).code).toBe(0);

    const erased = drumbeat('subscribers', 'erase', 'Lia.Verdi@example.org');
    expect(erased.err).toBe('');
    expect(erased.code).toBe(0);
    expect(erased.out).toContain('subscriber: yes');
    expect(erased.out).toMatch(/Kept:\n  a keyed hash of the address/);
    expect(erased.out).toContain('outbox');
    for (const name of ['drumbeat.db', 'drumbeat.db-wal']) {
      let bytes = Buffer.alloc(0);
      try {
        bytes = readFileSync(path.join(dataDir, name));
      } catch {}
      expect(bytes.includes('lia.verdi'), name).toBe(false);
    }

    const again = drumbeat('subscribers', 'import', file);
    expect(again.code).toBe(0);
    expect(again.out).toContain('skipped line 2 lia.verdi@example.org: erased');
    expect(again.out).toContain('0 imported');

    expect(drumbeat('subscribers', 'erase', 'nobody@example.com').out).toContain('Nothing of this address was stored here.');
    const bad = drumbeat('subscribers', 'erase');
    expect(bad.code).toBe(1);
    expect(bad.err.trim()).toBe('drumbeat: give exactly one address');
  }, 180_000);
});
