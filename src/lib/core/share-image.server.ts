import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Resvg } from '@resvg/resvg-js';
import satori from 'satori';

// Share images (Open Graph / Twitter cards) drawn from lines of text: satori lays the card out to
// SVG, resvg rasterizes it to PNG. Pure input → bytes, no clock or content, so a Note's card, a
// certificate's or any other page's come from the same code (docs/decisions/034).

/** The size every social network crops to without surprises (1.91:1). */
export const SHARE_IMAGE_WIDTH = 1200;
export const SHARE_IMAGE_HEIGHT = 630;

export interface ShareCard {
  /** the small line above the title, e.g. "Note №205" */
  kicker: string;
  title: string;
  /** e.g. the author's name */
  byline: string;
  /** bottom right, e.g. the site's title or host */
  site: string;
  /** lines under the title (a certificate's programme, cohort, date) */
  lines?: readonly string[];
  /** a JPEG or PNG shown round beside the byline */
  photo?: { bytes: Uint8Array; type: 'image/jpeg' | 'image/png' };
}

// The fonts come from npm packages (the host's fonts differ between machines): the same card on
// every build. Latin covers English and Italian.
const require = createRequire(import.meta.url);
function font(file: string): Buffer {
  return readFileSync(require.resolve(file));
}
let fonts: { name: string; data: Buffer; weight: 400 | 600 | 700; style: 'normal' }[] | undefined;
function loadFonts() {
  // latin-ext for names like Łukasz or Dvořák; "№" is only in the cyrillic subset.
  const faces = [
    ['Serif', 'source-serif-4', 600],
    ['Sans', 'inter', 400],
    ['Sans', 'inter', 600],
  ] as const;
  return (fonts ??= faces.flatMap(([name, pkg, weight]) =>
    ['latin', 'latin-ext', 'cyrillic'].map((subset) => ({ name: subset === 'cyrillic' ? `${name}Symbols` : name, data: font(`@fontsource/${pkg}/files/${pkg}-${subset}-${weight}-normal.woff`), weight, style: 'normal' as const })),
  ));
}

// The site's palette (src/styles/global.css).
const PAPER = '#fbf8f2';
const INK = '#1d1b18';
const MUTED = '#5f5a52';
const ACCENT = '#a4341b';
const LINE = '#e4ddd0';

interface Node {
  type: string;
  props: { style?: Record<string, string | number>; children?: (Node | string)[] | Node | string; src?: string; width?: number; height?: number };
}
const el = (type: string, style: Record<string, string | number>, children?: Node['props']['children']): Node => ({ type, props: { style, children } });

/** Long titles get a smaller face so that up to four lines fit; past that satori ends them with "…". */
function titleSize(title: string): number {
  const n = [...title].length;
  return n <= 40 ? 76 : n <= 70 ? 64 : n <= 110 ? 52 : 44;
}

export function shareCardTree(card: ShareCard): Node {
  const photo = card.photo
    ? [{ type: 'img', props: { src: `data:${card.photo.type};base64,${Buffer.from(card.photo.bytes).toString('base64')}`, width: 88, height: 88, style: { borderRadius: 44, marginRight: 24, objectFit: 'cover' } } }]
    : [];
  return el(
    'div',
    { width: SHARE_IMAGE_WIDTH, height: SHARE_IMAGE_HEIGHT, display: 'flex', flexDirection: 'column', backgroundColor: PAPER, padding: '48px 72px 48px', borderTop: `16px solid ${ACCENT}`, fontFamily: 'Sans, SansSymbols', color: INK, boxSizing: 'border-box' },
    [
      el('div', { display: 'flex', fontSize: 30, fontWeight: 600, letterSpacing: 2, textTransform: 'uppercase', color: ACCENT }, card.kicker),
      el('div', { display: 'flex', flexDirection: 'column', flexGrow: 1, justifyContent: 'center' }, [
        el('div', { display: 'block', fontFamily: 'Serif, SerifSymbols', fontWeight: 600, fontSize: titleSize(card.title), lineHeight: 1.15, lineClamp: 4 }, card.title),
        ...(card.lines ?? []).map((line) => el('div', { display: 'flex', fontSize: 32, color: MUTED, marginTop: 16 }, line)),
      ]),
      el('div', { display: 'flex', alignItems: 'center', borderTop: `2px solid ${LINE}`, paddingTop: 28 }, [
        ...photo,
        el('div', { display: 'flex', fontSize: 34, fontWeight: 600, flexGrow: 1 }, card.byline),
        el('div', { display: 'flex', fontSize: 28, color: MUTED }, card.site),
      ]),
    ],
  );
}

/** The card as a PNG of SHARE_IMAGE_WIDTH × SHARE_IMAGE_HEIGHT. */
export async function renderShareImage(card: ShareCard): Promise<Buffer> {
  // satori's types want React elements; the plain { type, props } objects are what they are.
  const svg = await satori(shareCardTree(card) as unknown as Parameters<typeof satori>[0], { width: SHARE_IMAGE_WIDTH, height: SHARE_IMAGE_HEIGHT, fonts: loadFonts() });
  return new Resvg(svg, { fitTo: { mode: 'original' }, font: { loadSystemFonts: false } }).render().asPng();
}
