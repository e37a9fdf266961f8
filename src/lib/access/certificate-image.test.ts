import { describe, expect, it } from 'vitest';
import { certificateImage, certificateSvg } from './certificate-image.server.ts';

const text = { kicker: 'Certificate of qualification', programme: 'OKR <Coach> & "Co"', cohort: 'Spring 2027 cohort, from March 1, 2027', issuedBy: 'Issued by Giulia Ferri, Drumbeat' };

describe('the certificate card', () => {
  it('escapes every text it draws', () => {
    const svg = certificateSvg({ name: 'Ann </text><script>' }, text);
    expect(svg).toContain('Ann &lt;/text&gt;&lt;script&gt;');
    expect(svg).toContain('OKR &lt;Coach&gt; &amp; &quot;Co&quot;');
    expect(svg).not.toContain('<script>');
  });

  it('is a 1200×630 PNG, the same bytes when asked again', async () => {
    const png = await certificateImage('test/en', { name: 'Ann Rossi' }, text);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1200, 630]);
    expect(await certificateImage('test/en', { name: 'Ann Rossi' }, text)).toBe(png);
  });
});
