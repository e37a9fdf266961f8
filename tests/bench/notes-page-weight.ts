// What a reader downloads for one Note: the HTML and every stylesheet, font and script it pulls in,
// compressed as a server or CDN would send it; and what the server itself puts on the wire for the
// HTML when a browser asks for brotli or gzip (precompressed when the page is cached).
import path from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { ensureSampleBuild, fetchBytes, rawGet, RESULTS_DIR, SAMPLE_OUT_DIR, withServer, type BenchResult } from './lib.ts';

export const SAMPLE_NOTE = '/notes/205-three-steps/';
const GOAL_BYTES = 40 * 1024;
const GOAL_WIRE_BYTES = 7 * 1024;

/** The page's bytes on the wire once cached, in the encoding asked for (it is compressed when stored). */
async function onTheWire(url: string, acceptEncoding: string): Promise<{ bytes: number; encoding: string }> {
  for (let i = 0; i < 100; i++) {
    const res = await rawGet(url, { 'accept-encoding': acceptEncoding });
    if (res.headers['content-encoding'] || i === 99) return { bytes: res.body.length, encoding: res.headers['content-encoding'] ?? 'identity' };
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('unreachable');
}

interface Resource {
  url: string;
  kind: 'html' | 'css' | 'js' | 'font';
  bytes: number;
  gzip: number;
  brotli: number;
}

const attr = (tag: string, name: string) => new RegExp(`\\s${name}\\s*=\\s*("([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag)?.slice(2).find((v) => v !== undefined);
const tags = (html: string, name: string) => html.match(new RegExp(`<${name}\\b[^>]*>`, 'gi')) ?? [];

function referencedAssets(html: string, base: string): { url: string; kind: Resource['kind'] }[] {
  const found: { url: string; kind: Resource['kind'] }[] = [];
  for (const tag of tags(html, 'link')) {
    const rel = (attr(tag, 'rel') ?? '').toLowerCase().split(/\s+/);
    const href = attr(tag, 'href');
    if (!href) continue;
    const as = attr(tag, 'as');
    if (rel.includes('stylesheet') || (rel.includes('preload') && as === 'style')) found.push({ url: new URL(href, base).href, kind: 'css' });
    else if (rel.includes('modulepreload') || (rel.includes('preload') && as === 'script')) found.push({ url: new URL(href, base).href, kind: 'js' });
    else if (rel.includes('preload') && as === 'font') found.push({ url: new URL(href, base).href, kind: 'font' });
  }
  for (const tag of tags(html, 'script')) {
    const src = attr(tag, 'src');
    if (src) found.push({ url: new URL(src, base).href, kind: 'js' });
  }
  return found;
}

function cssReferences(css: string, base: string): { url: string; kind: Resource['kind'] }[] {
  const found: { url: string; kind: Resource['kind'] }[] = [];
  for (const [face] of css.matchAll(/@font-face\s*{[^}]*}/g)) {
    for (const m of face.matchAll(/url\(\s*['"]?([^'")]+)['"]?\s*\)/g)) {
      if (!m[1]!.startsWith('data:')) found.push({ url: new URL(m[1]!, base).href, kind: 'font' });
    }
  }
  for (const m of css.matchAll(/@import\s+(?:url\()?\s*['"]?([^'");\s]+)/g)) found.push({ url: new URL(m[1]!, base).href, kind: 'css' });
  return found;
}

function measure(url: string, kind: Resource['kind'], body: Buffer): Resource {
  return { url, kind, bytes: body.length, gzip: gzipSync(body).length, brotli: brotliCompressSync(body).length };
}

/**
 * Scripts a reader does not need: the article text, the navigation and the share links must all
 * be in the HTML as plain links and text, so every script can only be an enhancement.
 */
function noJsChecks(html: string): Record<string, boolean> {
  // Everything from the Note's body to its share links (the signature and topics sit between).
  const prose = /<div class="prose">([\s\S]*?)<aside class="share"/.exec(html)?.[1] ?? '';
  const text = prose.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
  const nav = /<nav\b[\s\S]*?<\/nav>/.exec(html)?.[0] ?? '';
  const share = /<aside class="share"[\s\S]*?<\/aside>/.exec(html)?.[0] ?? '';
  return {
    readWithoutJs: text.split(' ').length > 200,
    navigateWithoutJs: tags(nav, 'a').filter((a) => attr(a, 'href')).length >= 2,
    shareWithoutJs: tags(share, 'a').filter((a) => /^https:\/\//.test(attr(a, 'href') ?? '')).length >= 1 && /<input[^>]*readonly[^>]*value="https?:/.test(share),
  };
}

export async function notesPageWeight(): Promise<BenchResult> {
  const { rebuilt } = await ensureSampleBuild();
  return withServer(SAMPLE_OUT_DIR, path.join(RESULTS_DIR, 'notes-page-weight.server.log'), async ({ origin }) => {
    const pageUrl = origin + SAMPLE_NOTE;
    const page = await fetchBytes(pageUrl);
    if (page.status !== 200) throw new Error(`${SAMPLE_NOTE} answered ${page.status}`);
    const html = page.body.toString('utf8');
    const resources = [measure(pageUrl, 'html', page.body)];

    // Inline <style> is already counted with the HTML; its font URLs are not.
    const pending = referencedAssets(html, pageUrl);
    for (const [, css] of html.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style>/gi)) pending.push(...cssReferences(css!, pageUrl));
    const seen = new Set<string>();
    for (let next = pending.shift(); next; next = pending.shift()) {
      if (seen.has(next.url)) continue;
      seen.add(next.url);
      const res = await fetchBytes(next.url);
      if (res.status !== 200) throw new Error(`${next.url} (referenced by ${SAMPLE_NOTE}) answered ${res.status}`);
      resources.push(measure(next.url, next.kind, res.body));
      if (next.kind === 'css') pending.push(...cssReferences(res.body.toString('utf8'), next.url));
    }

    const wireBr = await onTheWire(pageUrl, 'gzip, deflate, br');
    const wireGzip = await onTheWire(pageUrl, 'gzip');
    const total = (key: 'bytes' | 'gzip' | 'brotli') => resources.reduce((sum, r) => sum + r[key], 0);
    const scripts = tags(html, 'script').filter((t) => !/type\s*=\s*["']?application\/(ld\+)?json/i.test(t));
    const checks = noJsChecks(html);
    const jsRequired = !Object.values(checks).every(Boolean);
    return {
      name: 'notes-page-weight',
      figures: [
        { label: `HTML on the wire, browser asking br (sent: ${wireBr.encoding})`, value: wireBr.bytes, unit: 'B', goal: `<= ${GOAL_WIRE_BYTES.toLocaleString('en-US')} B`, pass: wireBr.bytes <= GOAL_WIRE_BYTES },
        { label: `HTML on the wire, asking gzip only (sent: ${wireGzip.encoding})`, value: wireGzip.bytes, unit: 'B' },
        { label: `page ${SAMPLE_NOTE}: uncompressed`, value: total('bytes'), unit: 'B' },
        { label: 'page total, gzip', value: total('gzip'), unit: 'B', goal: `<= ${GOAL_BYTES.toLocaleString('en-US')} B`, pass: total('gzip') <= GOAL_BYTES },
        { label: 'page total, brotli', value: total('brotli'), unit: 'B', goal: `<= ${GOAL_BYTES.toLocaleString('en-US')} B`, pass: total('brotli') <= GOAL_BYTES },
        { label: 'requests (HTML + assets)', value: resources.length },
        { label: '<script> elements', value: scripts.length },
        { label: 'JS required to read, navigate, share', value: jsRequired ? 'yes' : 'no', goal: 'no', pass: !jsRequired },
      ],
      details: {
        sampleRebuilt: rebuilt,
        compression: 'gzip level 6, brotli quality 11 (zlib defaults)',
        resources: resources.map((r) => ({ ...r, url: r.url.replace(origin, '') })),
        scripts: scripts.map((t) => t.slice(0, 120)),
        noJsChecks: checks,
      },
    };
  });
}
