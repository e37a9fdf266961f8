import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/content.ts';
import { NODE24 } from '../helpers/site.ts';

// `npm start` refuses, in one line and before building or listening, what would otherwise fail
// later: a test clock on a production server, a DATA_DIR it cannot write.

const tmp = mkdtempSync(path.join(os.tmpdir(), 'drumbeat-startup-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function start(env: Record<string, string>) {
  const r = spawnSync(NODE24, ['--import', 'tsx', path.join(ROOT, 'src/server/start.ts')], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, PORT: '1', HOST: '127.0.0.1', DRUMBEAT_OUT_DIR: path.join(tmp, 'never-built'), DRUMBEAT_SCHEDULER: 'off', ...env },
  });
  return { code: r.status, lines: `${r.stdout}${r.stderr}`.trim().split('\n') };
}

describe('start-up refuses', () => {
  it('the test clock under NODE_ENV=production', () => {
    const { code, lines } = start({ NODE_ENV: 'production', DRUMBEAT_TEST_CLOCK: 'on', DATA_DIR: path.join(tmp, 'data') });
    expect(code).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Invalid configuration: DRUMBEAT_TEST_CLOCK must not be "on" with NODE_ENV=production/);
  });

  it('a DATA_DIR that cannot be created', () => {
    writeFileSync(path.join(tmp, 'a-file'), '');
    const { code, lines } = start({ DATA_DIR: path.join(tmp, 'a-file', 'data') });
    expect(code).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Cannot write to DATA_DIR .*a-file\/data \(ENOTDIR\)/);
  });

  it('a read-only DATA_DIR', () => {
    const dir = mkdtempSync(path.join(tmp, 'ro-'));
    // chmod does not stop root; the immutable flag does.
    const root = process.getuid?.() === 0;
    const lock = spawnSync(root ? 'chattr' : 'chmod', [root ? '+i' : 'a-w', dir]);
    expect(lock.status, String(lock.stderr)).toBe(0);
    try {
      const { code, lines } = start({ DATA_DIR: dir });
      expect(code).toBe(1);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^Cannot write to DATA_DIR .* \((EPERM|EACCES|EROFS)\)/);
    } finally {
      spawnSync(root ? 'chattr' : 'chmod', [root ? '-i' : 'u+w', dir]);
    }
  });
});
