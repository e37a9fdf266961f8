import { checkEmail } from '../core/email-address.ts';
import { isLang, type Lang } from '../../i18n/lang.ts';

// What a visitor sends to subscribe, checked field by field. Pure: the routes, the CLI and the
// importer share it.

export type Parsed<T> = { ok: true; value: T } | { ok: false; field: string; message: string };

export function parseEmail(raw: unknown): Parsed<string> {
  const checked = checkEmail(raw);
  return checked.ok ? { ok: true, value: checked.email } : { ok: false, field: 'email', message: checked.message };
}

export function parseLang(raw: unknown, languages: readonly Lang[], fallback?: Lang): Parsed<Lang> {
  if ((raw === undefined || raw === null || raw === '') && fallback) return { ok: true, value: fallback };
  if (!isLang(raw, languages)) return { ok: false, field: 'lang', message: `lang must be one of: ${languages.join(', ')}` };
  return { ok: true, value: raw };
}

/** Where a form was submitted from: a same-site path, kept short. */
export function parseSource(raw: unknown): string {
  if (typeof raw !== 'string' || !/^\/[A-Za-z0-9/_.-]{0,200}$/.test(raw)) return 'unknown';
  return raw;
}
