import type { APIRoute } from 'astro';
import { pageLang } from '../../../app/page-lang.ts';
import { ADMIN_HEADERS, requireAdmin } from '../../../lib/admin/guard.server.ts';
import { readFilter, subscribersCsv } from '../../../lib/admin/subscribers.server.ts';
import { t } from '../../../i18n/text.ts';

// The filtered list as a download, in the format of `drumbeat subscribers export` (so it imports back).
export const GET: APIRoute = async (context) => {
  const response = { status: 200, headers: new Headers() };
  const gate = await requireAdmin({ cookies: context.cookies, url: context.url, currentLocale: context.currentLocale, response });
  if (gate.state === 'signed-out') return gate.response;
  if (gate.state === 'forbidden') {
    return new Response(t(pageLang(context), 'admin.forbiddenTitle'), { status: 403, headers: { ...ADMIN_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' } });
  }
  const csv = await subscribersCsv(readFilter(context.url.searchParams));
  return new Response(csv, {
    headers: { ...ADMIN_HEADERS, 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': 'attachment; filename="subscribers.csv"' },
  });
};
