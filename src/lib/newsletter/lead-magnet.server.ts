import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { getDb } from '../core/db/client.server.ts';
import { subscribers } from '../core/db/schema.ts';
import { contentDir, getSite } from '../core/site.server.ts';
import { toLang } from '../../i18n/lang.ts';
import { t } from '../../i18n/text.ts';
import { readDownloadToken } from './links.server.ts';

const TYPES: Record<string, string> = { '.pdf': 'application/pdf', '.epub': 'application/epub+zip', '.zip': 'application/zip', '.txt': 'text/plain; charset=utf-8' };

const TEXT = { 'Content-Type': 'text/plain; charset=utf-8' };

export async function leadMagnetResponse(token: unknown): Promise<Response> {
  const site = getSite();
  const magnet = site.newsletter.leadMagnet;
  const missing = () => new Response(t(site.defaultLanguage, 'download.missing'), { status: 404, headers: TEXT });
  if (!magnet) return missing();
  const who = readDownloadToken(token);
  if (!who) return new Response(t(site.defaultLanguage, 'download.invalid'), { status: 400, headers: TEXT });
  const row = await getDb().query.subscribers.findFirst({ where: and(eq(subscribers.id, who.id), eq(subscribers.email, who.email)) });
  const lang = toLang(row?.lang, site);
  if (row?.status !== 'active') return new Response(t(lang, 'download.notConfirmed'), { status: 403, headers: TEXT });
  // The file must stay inside content/: the config names it, never the request.
  const root = contentDir();
  const file = path.resolve(root, magnet.file.replace(/^content\//, ''));
  if (!file.startsWith(root + path.sep)) return missing();
  const body = await readFile(file).catch(() => undefined);
  if (!body) return missing();
  return new Response(body, {
    headers: {
      'Content-Type': TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
      'Content-Disposition': `attachment; filename="${path.basename(file).replace(/[^A-Za-z0-9._-]/g, '_')}"`,
      'Cache-Control': 'private, no-store',
    },
  });
}
