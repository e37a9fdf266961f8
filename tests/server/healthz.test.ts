import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { closeDb, getDb } from '../../src/lib/core/db/client.server.ts';
import { sends } from '../../src/lib/core/db/schema.ts';
import { resetEnvCache } from '../../src/lib/core/env.server.ts';
import { startSite, type RunningSite } from '../helpers/site.ts';

// /healthz names a send whose lease ran out without anyone taking it over (here: no scheduler
// runs), and keeps its 200: the site still serves; a monitor reads "newsletter".

let server: RunningSite;

beforeAll(async () => {
  server = await startSite(inject('sampleOutDir'), { DRUMBEAT_SCHEDULER: 'off' });
  process.env.DATA_DIR = server.dataDir;
  delete process.env.DATABASE_URL;
  resetEnvCache();
  closeDb();
});
afterAll(async () => {
  closeDb();
  await server?.stop();
});

const health = async () => {
  const res = await fetch(`${server.url}/healthz`);
  return { status: res.status, body: await res.json() };
};

describe('/healthz', () => {
  it('says ok while sends progress, and names a stuck one with a 200', async () => {
    expect(await health()).toEqual({ status: 200, body: { ok: true } });
    const now = Date.now();
    // A send another process holds right now, and one whose holder died three minutes ago.
    await getDb().insert(sends).values([
      { noteNumber: 205, lang: 'en', noteLang: 'en', state: 'sending', leaseOwner: 'alive', leaseExpiresAt: now + 60_000, recipients: 300, sent: 100, startedAt: now - 10_000 },
      { noteNumber: 205, lang: 'it', noteLang: 'it', state: 'sending', leaseOwner: 'gone', leaseExpiresAt: now - 180_000, recipients: 200, sent: 100, startedAt: now - 240_000 },
      { noteNumber: 204, lang: 'en', noteLang: 'en', state: 'paused', leaseOwner: null, leaseExpiresAt: now - 900_000, recipients: 300, sent: 100, startedAt: now - 990_000 },
    ]);
    const { status, body } = await health();
    expect(status).toBe(200);
    expect(body).toMatchObject({ ok: true, newsletter: 'stuck' });
    expect(body.stuckSends).toEqual([{ id: expect.any(Number), note: 205, lang: 'it', sent: 100, recipients: 200, since: new Date(now - 180_000).toISOString() }]);
  });
});
