// HTTP validators shared by every answer that carries an ETag: stored pages and files
// (src/server/respond.ts) and media ranges (src/lib/access/media.server.ts).

/** If-None-Match (weak comparison, RFC 9110 13.1.2): does the client hold one of these? */
export function etagMatches(header: string | undefined, etags: ReadonlySet<string>): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  for (const raw of header.split(',')) {
    const tag = raw.trim().replace(/^W\//, '');
    if (etags.has(tag)) return true;
  }
  return false;
}
