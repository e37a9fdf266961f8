import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/content.ts';
import { NODE24 } from '../helpers/site.ts';

// Names survive the author's move: Mailchimp and Ghost exports in, our export out, and that export
// into a fresh installation gives back the same file.

const work = mkdtempSync(path.join(os.tmpdir(), 'drumbeat-names-cli-'));
const fixture = (name: string) => path.join(ROOT, 'tests', 'fixtures', 'imports', name);
function drumbeat(dataDir: string, ...args: string[]) {
  const r = spawnSync(NODE24, [path.join(ROOT, 'src/cli/drumbeat.mjs'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, DATA_DIR: dataDir } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('drumbeat subscribers import/export keeps names', () => {
  it('reads Mailchimp First/Last Name and Ghost name, exports them last, and imports its own export back byte for byte', () => {
    const first = path.join(work, 'first');
    for (const file of ['mailchimp-subscribed.csv', 'ghost.csv']) {
      const r = drumbeat(first, 'subscribers', 'import', fixture(file));
      expect(r.code, r.err).toBe(0);
    }
    const out = path.join(work, 'all.csv');
    expect(drumbeat(first, 'subscribers', 'export', '--out', out).code).toBe(0);
    const text = readFileSync(out, 'utf8');
    const lines = text.trim().split('\n');
    expect(lines[0]).toBe('email,status,language,consent_at,confirmed_at,unsubscribed_at,source,consent_version,status_reason,name');
    expect(lines.find((l) => l.startsWith('ada.single@'))).toMatch(/,Ada Single$/);
    expect(lines.find((l) => l.startsWith('quinn.comma@'))).toMatch(/,"Quinn Comma, Jr."$/);
    expect(lines.find((l) => l.startsWith('cam.comped@'))).toMatch(/,Cam Comped$/);

    const second = path.join(work, 'second');
    const back = drumbeat(second, 'subscribers', 'import', out);
    expect(back.code, back.err).toBe(0);
    expect(back.out).toContain('Format: drumbeat.');
    expect(drumbeat(second, 'subscribers', 'export').out).toBe(text);
  }, 180_000);
});
