import { describe, expect, it } from 'vitest';
import { shareCardTree } from '../core/share-image.server.ts';
import { certificateImage } from './certificate-image.server.ts';

const text = { kicker: 'Certificate of qualification', programme: 'OKR <Coach> & "Co"', cohort: 'Spring 2027 cohort, from March 1, 2027', issuedBy: 'Issued by Giulia Ferri · December 2, 2026', site: 'Drumbeat' };

describe('the certificate card', () => {
  it('draws text as text: a name that looks like markup is a string in the tree, never an element', () => {
    const tree = JSON.stringify(shareCardTree({ kicker: text.kicker, title: 'Ann </text><script>', lines: [text.programme], byline: text.issuedBy, site: text.site }));
    expect(tree).toContain('"Ann </text><script>"');
    expect(tree).not.toContain('"type":"script"');
  });

  it('is a 1200×630 PNG, the same bytes when asked again, another for another name', async () => {
    const png = await certificateImage('test/en', { name: 'Ann Rossi' }, text);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1200, 630]);
    expect(await certificateImage('test/en', { name: 'Ann Rossi' }, text)).toBe(png);
    expect((await certificateImage('test/en-2', { name: 'Bruno Verdi' }, text)).equals(png)).toBe(false);
  });
});
