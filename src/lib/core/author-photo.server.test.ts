import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { authorPhoto, authorPhotoProblem } from './author-photo.server.ts';
import { parseSiteConfig } from './site.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const sampleYaml = readFileSync(path.join(ROOT, 'content', 'site.yaml'), 'utf8');
const withPhoto = (photo: string) => sampleYaml.replace(/photo: .*/, `photo: ${photo}`);

describe('author.photo and author.signature in site.yaml', () => {
  it('the sample names a photo and a signature per language', () => {
    const site = parseSiteConfig(sampleYaml);
    expect(site.author.photo).toBe('author-photo.jpg');
    expect(site.author.signature).toEqual({ en: 'See you on Monday,', it: 'Ci sentiamo lunedì,' });
  });

  it('refuses a photo that is not a JPEG or PNG path inside content/, naming the field', () => {
    expect(() => parseSiteConfig(withPhoto('me.gif'))).toThrow(/content\/site\.yaml: author\.photo: must be a \.jpg, \.jpeg or \.png file/);
    expect(() => parseSiteConfig(withPhoto('../secrets/me.jpg'))).toThrow(/author\.photo: must be a path inside content\//);
    expect(() => parseSiteConfig(withPhoto('/etc/me.png'))).toThrow(/author\.photo: must be a path inside content\//);
  });

  it('a missing, heavy or mislabelled file is one line naming it; the sample file is fine', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'drumbeat-photo-'));
    const site = (photo: string) => parseSiteConfig(withPhoto(photo));
    expect(authorPhotoProblem(path.join(ROOT, 'content'), parseSiteConfig(sampleYaml))).toBeUndefined();
    expect(authorPhotoProblem(dir, site('me.jpg'))).toMatch(/site\.yaml: author\.photo: .*me\.jpg does not exist$/);
    writeFileSync(path.join(dir, 'big.jpg'), Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(300 * 1024)]));
    expect(authorPhotoProblem(dir, site('big.jpg'))).toMatch(/big\.jpg: the author's photo weighs 300 KB; at most 200 KB/);
    writeFileSync(path.join(dir, 'text.png'), 'not an image');
    expect(authorPhotoProblem(dir, site('text.png'))).toMatch(/text\.png: the author's photo is not a JPEG or PNG file$/);
  });

  it('is published under a name that changes with its bytes', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'drumbeat-photo-'));
    const sample = readFileSync(path.join(ROOT, 'content', 'author-photo.jpg'));
    writeFileSync(path.join(dir, 'a.jpg'), sample);
    writeFileSync(path.join(dir, 'b.jpg'), Buffer.concat([sample, Buffer.from([0])]));
    const a = authorPhoto(dir, parseSiteConfig(withPhoto('a.jpg')))!;
    const b = authorPhoto(dir, parseSiteConfig(withPhoto('b.jpg')))!;
    expect(a.publicPath).toMatch(/^\/_author\/[0-9a-f]{12}\.jpg$/);
    expect(a.type).toBe('image/jpeg');
    expect(b.publicPath).not.toBe(a.publicPath);
  });
});
