import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '../../src/lib/core/db/client.server.ts';
import { subscribers } from '../../src/lib/core/db/schema.ts';
import { downloadUrl } from '../../src/lib/newsletter/links.server.ts';
import { leadMagnetResponse } from '../../src/lib/newsletter/lead-magnet.server.ts';
import { tempContent } from '../helpers/content.ts';
import { useTempDatabase } from '../helpers/db.ts';

beforeEach(async () => {
  const content = tempContent({});
  const site = path.join(content, 'site.yaml');
  writeFileSync(site, readFileSync(site, 'utf8').replace('newsletter:\n', 'newsletter:\n  leadMagnet: { file: "content/first-chapter.txt", title: { en: "Chapter one" } }\n'));
  writeFileSync(path.join(content, 'first-chapter.txt'), 'Chapter one.');
  await useTempDatabase({ DRUMBEAT_CONTENT_DIR: content });
  await getDb().insert(subscribers).values([
    { email: 'ada@example.com', lang: 'en', status: 'active', source: 't', consentVersion: 'v', consentAt: 1, createdAt: 1, updatedAt: 1 },
    { email: 'pat@example.com', lang: 'en', status: 'pending', source: 't', consentVersion: 'v', consentAt: 1, createdAt: 1, updatedAt: 1 },
  ]);
  return () => {
    delete process.env.DRUMBEAT_CONTENT_DIR;
  };
});

const tokenOf = (id: number, email: string) => new URL(downloadUrl({ id, email })).searchParams.get('token');

describe('the lead magnet', () => {
  it('is delivered to a confirmed subscriber by the signed link', async () => {
    const res = await leadMagnetResponse(tokenOf(1, 'ada@example.com'));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('Chapter one.');
    expect(res.headers.get('content-disposition')).toContain('first-chapter.txt');
  });
  it('is refused to the unconfirmed and to forged links', async () => {
    expect((await leadMagnetResponse(tokenOf(2, 'pat@example.com'))).status).toBe(403);
    expect((await leadMagnetResponse('forged.token')).status).toBe(400);
    expect((await leadMagnetResponse(tokenOf(1, 'pat@example.com'))).status).toBe(403);
  });
});
