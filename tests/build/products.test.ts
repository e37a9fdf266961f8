import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, tempContent } from '../helpers/content.ts';
import { buildSite, NODE24 } from '../helpers/site.ts';

// A broken product file stops the build and `npm start` with one message naming file and field,
// before anything is served.

function contentWithProduct(name: string, yaml: string): string {
  const dir = tempContent({ 'en/1-first.mdx': '---\nnumber: 1\ntitle: First\ndate: 2026-01-05\nsummary: The first.\n---\n\nWords.\n' });
  mkdirSync(path.join(dir, 'products'));
  writeFileSync(path.join(dir, 'products', name), yaml);
  return dir;
}

const BAD_UNTIL = `kind: workshop
title: { en: Broken }
summary: { en: A broken product. }
description: { en: Words. }
price: 10
currency: EUR
access: { until: "next friday at six" }
`;

// A build or start that stops at the content check: 2–7 s measured under load; 120 s of margin.
describe('product files are checked', { timeout: 120_000 }, () => {
  it('the build fails naming the file and the field', () => {
    const dir = contentWithProduct('broken.yaml', BAD_UNTIL);
    const { code, output } = buildSite(mkdtempSync(path.join(os.tmpdir(), 'drumbeat-out-')), dir);
    expect(code).not.toBe(0);
    expect(output).toMatch(/products\/broken\.yaml: access\.until: "next friday at six" is not a moment/);
  });

  it('npm start stops with one line before serving', () => {
    const dir = contentWithProduct('broken.yaml', BAD_UNTIL.replace('price: 10\n', '').replace('next friday at six', '2027-03-26T18:00 Europe/Rome'));
    const r = spawnSync(NODE24, ['--import', 'tsx', path.join(ROOT, 'src/server/start.ts')], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, DRUMBEAT_CONTENT_DIR: dir, DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'drumbeat-data-')), PORT: '1', DRUMBEAT_OUT_DIR: mkdtempSync(path.join(os.tmpdir(), 'drumbeat-out-')) },
    });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/products\/broken\.yaml: price: set price \(with currency\) or stripePrice/)]);
  });
});
