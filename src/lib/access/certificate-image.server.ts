import sharp from 'sharp';
import type { CertificateView } from './certificates.server.ts';

// The certificate's Open Graph card (1200×630 PNG), drawn at request time from an SVG by sharp
// (libvips and its SVG renderer) with the system's fonts, and kept in memory: a certificate's
// words never change, and a revoked one gets no image (docs/decisions/032).

const cache = new Map<string, Buffer>();
const CACHE_MAX = 500;

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A font size that keeps a line of `text` within `width` pixels (DejaVu Serif averages ~0.55 em a character, its bold ~0.65). */
function fit(text: string, width: number, max: number, em = 0.55): number {
  return Math.max(24, Math.min(max, Math.floor(width / (Math.max(text.length, 1) * em))));
}

export interface CardText {
  kicker: string;
  programme: string;
  cohort?: string;
  issuedBy: string;
}

export function certificateSvg(view: Pick<CertificateView, 'name'>, text: CardText): string {
  const name = fit(view.name, 1000, 96, 0.65);
  const programme = fit(text.programme, 1000, 48);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="630" viewBox="0 0 1200 630">
  <rect width="1200" height="630" fill="#fbf8f2"/>
  <rect x="40" y="40" width="1120" height="550" rx="18" fill="#ffffff" stroke="#e4ddd0" stroke-width="3"/>
  <rect x="40" y="40" width="1120" height="16" fill="#a4341b"/>
  <g font-family="DejaVu Serif, Liberation Serif, serif" text-anchor="middle" fill="#1d1b18">
    <text x="600" y="150" font-family="DejaVu Sans, Liberation Sans, sans-serif" font-size="28" font-weight="bold" letter-spacing="3" fill="#a4341b">${xml(text.kicker.toUpperCase())}</text>
    <text x="600" y="${250 + name / 3}" font-size="${name}" font-weight="bold">${xml(view.name)}</text>
    <text x="600" y="390" font-size="${programme}">${xml(text.programme)}</text>
    ${text.cohort ? `<text x="600" y="450" font-size="30" fill="#5f5a52">${xml(text.cohort)}</text>` : ''}
    <text x="600" y="540" font-size="28" font-style="italic" fill="#5f5a52">${xml(text.issuedBy)}</text>
  </g>
</svg>`;
}

export async function certificateImage(key: string, view: Pick<CertificateView, 'name'>, text: CardText): Promise<Buffer> {
  const known = cache.get(key);
  if (known) return known;
  const png = await sharp(Buffer.from(certificateSvg(view, text))).png({ compressionLevel: 9 }).toBuffer();
  if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
  cache.set(key, png);
  return png;
}
