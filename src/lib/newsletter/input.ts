// Validation of what a visitor types. Pure: the routes, the CLI and the importer share it.

export const MAX_EMAIL_LENGTH = 254;

export type Parsed<T> = { ok: true; value: T } | { ok: false; field: string; message: string };

const EMAIL_RE = /^[^\s@"<>(),;:\\[\]]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

export function parseEmail(raw: unknown): Parsed<string> {
  if (typeof raw !== 'string' || raw.trim() === '') return { ok: false, field: 'email', message: 'email is required' };
  if (/[\r\n\0]/.test(raw)) return { ok: false, field: 'email', message: 'email must be a single line' };
  const email = raw.trim().toLowerCase();
  if (email.length > MAX_EMAIL_LENGTH) return { ok: false, field: 'email', message: `email is longer than ${MAX_EMAIL_LENGTH} characters` };
  if (!EMAIL_RE.test(email) || email.split('@')[0]!.length > 64) return { ok: false, field: 'email', message: 'email is not a valid address' };
  return { ok: true, value: email };
}

export function parseLang(raw: unknown, languages: readonly string[], fallback?: string): Parsed<string> {
  if ((raw === undefined || raw === null || raw === '') && fallback) return { ok: true, value: fallback };
  if (typeof raw !== 'string' || !languages.includes(raw)) {
    return { ok: false, field: 'lang', message: `lang must be one of: ${languages.join(', ')}` };
  }
  return { ok: true, value: raw };
}

/** Where a form was submitted from: a same-site path, kept short. */
export function parseSource(raw: unknown): string {
  if (typeof raw !== 'string' || !/^\/[A-Za-z0-9/_.-]{0,200}$/.test(raw)) return 'unknown';
  return raw;
}
