import type { APIRoute } from 'astro';
import { ADMIN_HEADERS, requireAdmin } from '../../lib/admin/guard.server.ts';
import { allPurchasesFor, parseFilter, purchasesCsv } from '../../lib/admin/purchases.server.ts';

// The accounting export of /admin/purchases/ (the same filter), behind the same guard.
export const GET: APIRoute = async (context) => {
  const response = { status: 200 as number | undefined, headers: new Headers() };
  const gate = await requireAdmin({ cookies: context.cookies, url: context.url, currentLocale: context.currentLocale, response });
  if (gate.state === 'signed-out') return gate.response;
  if (gate.state === 'forbidden') return new Response('Forbidden.\n', { status: 403, headers: { ...ADMIN_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' } });
  const { page: _page, ...filter } = parseFilter(context.url.searchParams);
  const csv = purchasesCsv(await allPurchasesFor(filter));
  return new Response(csv, {
    headers: { ...ADMIN_HEADERS, 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': 'attachment; filename="purchases.csv"' },
  });
};
