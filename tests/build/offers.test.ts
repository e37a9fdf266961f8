import { cpSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentProblems } from '../../src/app/content-check.ts';
import { noteSource, ROOT, tempContent } from '../helpers/content.ts';
import { buildSite } from '../helpers/site.ts';

// An <Offer> or <Testimonial> naming a product that does not exist stops the build and `npm start`
// (which share contentProblems) with one line naming the file, as a NoteRef to a missing Note does.

function contentWith(body: string): { dir: string; file: string } {
  const dir = tempContent({ 'en/207-offer.mdx': noteSource({ number: 207, title: 'With an offer', date: '2026-11-23', summary: 'S' }, body) });
  cpSync(path.join(ROOT, 'content', 'products'), path.join(dir, 'products'), { recursive: true });
  return { dir, file: path.relative(process.cwd(), path.join(dir, 'notes/en/207-offer.mdx')) };
}

describe('product references in Notes', () => {
  it('an unknown product id fails the real build, naming the file', { timeout: 180_000 }, () => {
    const { dir, file } = contentWith('Words.\n\n<Offer product="okr-workshop-2099" />\n');
    const { code, output } = buildSite(mkdtempSync(path.join(os.tmpdir(), 'drumbeat-out-')), dir);
    expect(code).toBe(1);
    const line = `${path.relative(ROOT, path.join(dir, 'notes/en/207-offer.mdx'))}: <Offer product="okr-workshop-2099" /> names no product: there is no content/products/okr-workshop-2099.yaml (products: okr-coach, okr-workshop-2027-03)`;
    expect(output).toContain(line);
    expect(output).not.toMatch(/\n\s+at /);
  });

  it('npm start’s content check says the same, and checks testimonials and variants', () => {
    const bad = contentWith(
      [
        'Words.',
        '<Offer product="okr-workshop-2099">Yes</Offer>',
        '<Offer product="okr-coach" variant="banner" />',
        '<Testimonial product="okr-workshop-2027-03" author="Nobody" />',
        "<Testimonial product={'okr-coach'} author=\"Sofia Russo\" />",
        '<Offer product={id} />',
      ].join('\n\n'),
    );
    expect(contentProblems(bad.dir)).toEqual([
      `${bad.file}: <Offer product="okr-workshop-2099" /> names no product: there is no content/products/okr-workshop-2099.yaml (products: okr-coach, okr-workshop-2027-03)`,
      `${bad.file}: <Offer variant="banner" />: variant is "card" or "line"`,
      `${bad.file}: <Testimonial product="okr-workshop-2027-03" author="Nobody" />: no such testimonial in content/products/okr-workshop-2027-03.yaml (authors: Marta Colombo, Daniel Weber)`,
      `${bad.file}: <Offer> needs product="<product id>" (a file of content/products/)`,
    ]);
    const good = contentWith('<Offer product="okr-workshop-2027-03" />\n\n<Offer product="okr-coach" variant="line">Go</Offer>\n\n<Testimonial product="okr-coach" />\n');
    expect(contentProblems(good.dir)).toEqual([]);
  });

  it('the sample content passes', () => {
    expect(contentProblems(path.join(ROOT, 'content'))).toEqual([]);
  });
});
