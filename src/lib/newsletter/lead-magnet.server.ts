import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { getDb } from '../db/client.server.ts';
import { subscribers } from '../db/schema.ts';
import { contentDir, getSite } from '../site.server.ts';
import { readDownloadToken } from './links.server.ts';

const TYPES: Record<string, string> = { '.pdf': 'application/pdf', '.epub': 'application/epub+zip', '.zip': 'application/zip', '.txt': 'text/plain; charset=utf-8' };

export async function leadMagnetResponse(token: unknown): Promise<Response> {
  const magnet = getSite().newsletter.leadMagnet;
  if (!magnet) return new Response('Not found', { status: 404 });
  const who = readDownloadToken(token);
  if (!who) return new Response('This download link is invalid.', { status: 400 });
  const row = await getDb().query.subscribers.findFirst({ where: and(eq(subscribers.id, who.id), eq(subscribers.email, who.email)) });
  if (row?.status !== 'active') return new Response('This download is for confirmed subscribers.', { status: 403 });
  // The file must stay inside content/: the config names it, never the request.
  const root = contentDir();
  const file = path.resolve(root, magnet.file.replace(/^content\//, ''));
  if (!file.startsWith(root + path.sep)) return new Response('Not found', { status: 404 });
  const body = await readFile(file).catch(() => undefined);
  if (!body) return new Response('Not found', { status: 404 });
  return new Response(body, {
    headers: {
      'Content-Type': TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
      'Content-Disposition': `attachment; filename="${path.basename(file).replace(/[^A-Za-z0-9._-]/g, '_')}"`,
      'Cache-Control': 'private, no-store',
    },
  });
}
