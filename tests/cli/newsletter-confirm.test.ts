import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '../../src/lib/core/db/client.server.ts';
import { sends, subscribers } from '../../src/lib/core/db/schema.ts';
import { ROOT } from '../helpers/content.ts';
import { useTempDatabase } from '../helpers/db.ts';
import { NODE24 } from '../helpers/site.ts';

// The bare `newsletter send` mails the newest Note to everyone: without a terminal it needs --yes.

let dataDir: string;
beforeAll(async () => {
  ({ dataDir } = await useTempDatabase());
  await getDb().insert(subscribers).values([1, 2, 3].map((i) => ({ email: `reader${i}@example.com`, lang: 'en', status: 'active' as const, source: 't', consentVersion: 'v', consentAt: 1, createdAt: 1, updatedAt: 1 })));
});

function drumbeat(...args: string[]) {
  const r = spawnSync(NODE24, [path.join(ROOT, 'src/cli/drumbeat.mjs'), ...args], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DATA_DIR: dataDir, RESEND_API_KEY: '' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('newsletter send without --note, --due or --test', () => {
  it('refuses without a terminal and without --yes, sending nothing; --yes sends', async () => {
    const refused = drumbeat('newsletter', 'send');
    expect(refused.code).toBe(1);
    expect(refused.err.trim().split('\n')).toEqual(['drumbeat: this would mail the newest Note to every subscriber; add --yes to confirm (or --note N, --dry-run)']);
    expect(await getDb().$count(sends)).toBe(0);
    const sent = drumbeat('newsletter', 'send', '--yes');
    expect(sent.code, sent.err).toBe(0);
    expect(sent.out).toMatch(/done, 3 sent, 0 failed of 3/);
    // Moments in the site's zone with its offset, the zone named.
    const status = drumbeat('newsletter', 'status');
    expect(status.out).toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0[12]:00/);
    expect(status.out).toMatch(/Times in Europe\/Rome \(/);
    const id = (await getDb().select({ id: sends.id }).from(sends))[0]!.id;
    expect(drumbeat('newsletter', 'pause', String(id))).toMatchObject({ code: 1, err: `drumbeat: send ${id} is done; only a sending send can be paused\n` });
    expect(drumbeat('newsletter', 'cancel', 'x')).toMatchObject({ code: 1, err: expect.stringContaining('give one send id') });
  }, 180_000);
});
