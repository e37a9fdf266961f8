// Reading a request without trusting its size or shape, and the headers of pages reached by a token.

export const MAX_FORM_BYTES = 8 * 1024;

export type FormRead = { ok: true; fields: Record<string, unknown> } | { ok: false; status: 400 | 413 | 415; message: string };

/**
 * The body as text, read chunk by chunk and abandoned past `max` bytes (undefined), so a chunked
 * upload with no Content-Length cannot make the server hold more than that. (The node adapter's own
 * bodySizeLimit wraps every request, GETs included, and costs about a third of a cached page's speed.)
 */
export async function readBodyLimited(request: Request, max: number): Promise<string | undefined> {
  if (Number(request.headers.get('content-length') ?? '0') > max) return undefined;
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function readForm(request: Request): Promise<FormRead> {
  const type = (request.headers.get('content-type') ?? '').toLowerCase();
  let raw: string | undefined;
  try {
    raw = await readBodyLimited(request, MAX_FORM_BYTES);
  } catch {
    return { ok: false, status: 400, message: 'could not read the request body' };
  }
  if (raw === undefined) return { ok: false, status: 413, message: 'request body too large' };
  if (type.startsWith('application/json')) {
    try {
      const parsed = JSON.parse(raw);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return { ok: false, status: 400, message: 'body must be a JSON object' };
      return { ok: true, fields: parsed };
    } catch {
      return { ok: false, status: 400, message: 'body is not valid JSON' };
    }
  }
  if (type.startsWith('application/x-www-form-urlencoded') || type === '') {
    return { ok: true, fields: Object.fromEntries(new URLSearchParams(raw)) };
  }
  if (type.startsWith('multipart/form-data')) {
    try {
      // The boundary is case-sensitive: pass the header as sent.
      const form = await new Response(raw, { headers: { 'content-type': request.headers.get('content-type')! } }).formData();
      return { ok: true, fields: Object.fromEntries([...form.entries()].filter(([, v]) => typeof v === 'string')) };
    } catch {
      return { ok: false, status: 400, message: 'malformed form data' };
    }
  }
  return { ok: false, status: 415, message: 'send the form as application/x-www-form-urlencoded, multipart/form-data or JSON' };
}

export function wantsJson(request: Request): boolean {
  return (request.headers.get('accept') ?? '').includes('application/json') || (request.headers.get('content-type') ?? '').startsWith('application/json');
}

/**
 * Pages opened from an emailed link carry its token in the URL: never cached, and the token kept
 * out of Referer for other sites ('no-referrer' would make browsers send "Origin: null" on the POST).
 */
export function keepTokenPrivate(headers: Headers): void {
  headers.set('Cache-Control', 'no-store');
  headers.set('Referrer-Policy', 'same-origin');
}
