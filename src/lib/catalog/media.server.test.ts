import { cpSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetEnvCache } from '../core/env.server.ts';
import { resetSiteCache } from '../core/site.server.ts';
import { findMedia } from './media.server.ts';
import { resetProductCache } from './products.server.ts';

// Real files and real symlinks: a declared media name that links out of the media folder must
// serve nothing (a red team linked okr-worksheet.pdf to /etc/passwd and downloaded it).
const PRODUCT = 'okr-workshop-2027-03';
const ROOT = path.resolve(import.meta.dirname, '../../..');
let tmp: string;
let saved: Record<string, string | undefined>;

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'drumbeat-media-'));
  const content = path.join(tmp, 'content');
  mkdirSync(content);
  // The product files without their committed media, so DATA_DIR is the only place to look.
  cpSync(path.join(ROOT, 'content', 'site.yaml'), path.join(content, 'site.yaml'));
  cpSync(path.join(ROOT, 'content', 'products'), path.join(content, 'products'), { recursive: true });
  const dir = path.join(tmp, 'data', 'media', PRODUCT);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(tmp, 'secret.txt'), 'root:x:0:0');
  symlinkSync(path.join(tmp, 'secret.txt'), path.join(dir, 'okr-worksheet.pdf'));
  writeFileSync(path.join(dir, 'real.wav'), 'RIFF');
  symlinkSync('real.wav', path.join(dir, 'okr-workshop-sample.wav'));
  saved = { DRUMBEAT_CONTENT_DIR: process.env.DRUMBEAT_CONTENT_DIR, DATA_DIR: process.env.DATA_DIR };
  process.env.DRUMBEAT_CONTENT_DIR = content;
  process.env.DATA_DIR = path.join(tmp, 'data');
  resetEnvCache();
  resetSiteCache();
  resetProductCache();
});

afterAll(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  resetEnvCache();
  resetSiteCache();
  resetProductCache();
  rmSync(tmp, { recursive: true, force: true });
});

describe('findMedia and symlinks', () => {
  it('refuses a declared name that links to a file outside the media folder', () => {
    expect(findMedia(PRODUCT, 'okr-worksheet.pdf')).toBeUndefined();
  });

  it('follows a link that stays inside the media folder, and serves its real path', () => {
    const media = findMedia(PRODUCT, 'okr-workshop-sample.wav');
    expect(media?.file).toBe(realpathSync(path.join(process.env.DATA_DIR!, 'media', PRODUCT, 'real.wav')));
    expect(media?.size).toBe(4);
  });
});
