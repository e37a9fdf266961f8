import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '../../src/lib/core/db/client.server.ts';
import { sends, subscribers } from '../../src/lib/core/db/schema.ts';
import { readOutbox } from '../../src/lib/email/outbox.server.ts';
import { noteSource, ROOT, tempContent } from '../helpers/content.ts';
import { useTempDatabase } from '../helpers/db.ts';
import { NODE24 } from '../helpers/site.ts';

// The author reads Monday's email before the subscribers do: preview and test copies work for
// drafts and scheduled Notes, clearly marked; only the real send needs the Note to be public.
// Far-future dates keep "scheduled" true whatever day the tests run.

const fm = (number: number, date: string, title: string, extra: Record<string, unknown> = {}) => ({ number, title, date, summary: 'S', ...extra });
const content = tempContent({
  'en/206-a.mdx': noteSource(fm(206, '2026-11-23', 'Public one')),
  'en/207-b.mdx': noteSource(fm(207, '2099-12-07 07:00', 'Monday’s email')),
  'it/207-b.mdx': noteSource(fm(207, '2099-12-07 07:00', 'L’email di lunedì')),
  'en/209-c.mdx': noteSource(fm(209, '2026-11-30', 'Half written', { draft: true })),
});

let dataDir: string;
beforeAll(async () => {
  ({ dataDir } = await useTempDatabase());
  await getDb().insert(subscribers).values([1, 2].map((i) => ({ email: `reader${i}@example.com`, lang: 'en', status: 'active' as const, source: 't', consentVersion: 'v', consentAt: 1, createdAt: 1, updatedAt: 1 })));
});

function drumbeat(...args: string[]) {
  const r = spawnSync(NODE24, [path.join(ROOT, 'src/cli/drumbeat.mjs'), ...args], {
    cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DATA_DIR: dataDir, DRUMBEAT_CONTENT_DIR: content, RESEND_API_KEY: '' },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

// One CLI call takes 10-15 s on the loaded 2-core machine.
describe('newsletter preview and --test of Notes that are not public', { timeout: 240_000 }, () => {
  it('previews a scheduled Note in each language and a draft, marked as such', () => {
    const scheduled = drumbeat('newsletter', 'preview', '207', '--lang', 'it');
    expect(scheduled.err).toBe('');
    expect(scheduled.code).toBe(0);
    expect(scheduled.out).toContain('Note 207 (it) is scheduled for 2099-12-07 07:00 Europe/Rome (not public yet): preview only');
    expect(scheduled.out).toContain('Subject: Nota №207: L’email di lunedì');
    const html = readFileSync(path.join(dataDir, 'outbox', 'preview-207-it.html'), 'utf8');
    expect(html).toContain('L’email di lunedì');
    expect(html).toContain('/unsubscribe?preview=1');

    const draft = drumbeat('newsletter', 'preview', '209');
    expect(draft.code, draft.err).toBe(0);
    expect(draft.out).toContain('Note 209 is a draft (not public): preview only');
    expect(existsSync(path.join(dataDir, 'outbox', 'preview-209-en.html'))).toBe(true);
  });

  it('sends a test copy of a scheduled Note that unsubscribes nobody, and refuses the real send', async () => {
    const test = drumbeat('newsletter', 'send', '--note', '207', '--test', 'me@example.com');
    expect(test.code, test.err).toBe(0);
    expect(test.out).toContain('Note 207 (en) is scheduled for 2099-12-07 07:00 Europe/Rome (not public yet): test copy only, no subscriber gets it');
    expect(test.out).toMatch(/Test copy of Note 207 \(it\) sent to me@example\.com/);
    const copies = readOutbox(20).filter((m) => m.to === 'me@example.com');
    expect(copies.map((m) => m.subject).sort()).toEqual(['[Test] Nota №207: L’email di lunedì', '[Test] Note №207: Monday’s email']);
    for (const m of copies) {
      expect(m.html).toContain('/unsubscribe?preview=1');
      expect(m.html).not.toMatch(/unsubscribe\?token=/);
    }

    const real = drumbeat('newsletter', 'send', '--note', '207');
    expect(real.code).toBe(1);
    expect(real.err.trim().split('\n')).toEqual([
      'drumbeat: Note 207 is scheduled for 2099-12-07 07:00 Europe/Rome (not public yet): it cannot be sent to subscribers yet; newsletter preview 207 and newsletter send --note 207 --test EMAIL work now',
    ]);
    const draft = drumbeat('newsletter', 'send', '--note', '209', '--yes');
    expect(draft.code).toBe(1);
    expect(draft.err).toContain('Note 209 is a draft (not public): it cannot be sent to subscribers yet');
    expect(await getDb().$count(sends)).toBe(0);
    expect(readOutbox(50).filter((m) => m.to.startsWith('reader'))).toEqual([]);
  });

  it('pauses the next scheduled send before it starts; resuming gives it back to the schedule', async () => {
    const held = drumbeat('newsletter', 'pause', '--note', '207', '--lang', 'en');
    expect(held.code, held.err).toBe(0);
    const [row] = await getDb().select().from(sends);
    expect(row).toMatchObject({ noteNumber: 207, lang: 'en', state: 'paused', frozenAt: null, recipients: 0 });
    expect(held.out).toContain(`Send ${row!.id} (Note 207, en): scheduled → paused, 0 of 0 sent. It will not start until newsletter resume ${row!.id}.`);
    const older = drumbeat('newsletter', 'pause', '--note', '206');
    expect(older.code).toBe(1);
    expect(older.err).toBe('drumbeat: Note 206 is neither due nor the next scheduled send\n');
    const resumed = drumbeat('newsletter', 'resume', String(row!.id));
    expect(resumed.code, resumed.err).toBe(0);
    expect(resumed.out).toContain('paused → scheduled');
    expect(await getDb().$count(sends)).toBe(0);
  });
});
