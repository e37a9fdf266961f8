import { domainToASCII, domainToUnicode } from 'node:url';

// The one rule for an email address, wherever one comes in: the subscribe form, sign-in, Stripe's
// customer details, the author's CLI, imported CSV files. Trimmed and lowercased; any letters in
// the local part (RFC 6531); a domain of at least two labels, internationalized ones allowed and
// kept in their Unicode form (bücher.de and xn--bcher-kva.de are one address).

const MAX_EMAIL_LENGTH = 254;

export type EmailCheck = { ok: true; email: string } | { ok: false; message: string };

const LOCAL_PART = /^[^\s@"<>(),;:\\[\]]{1,64}$/;
const ASCII_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export function checkEmail(raw: unknown): EmailCheck {
  if (typeof raw !== 'string' || raw.trim() === '') return { ok: false, message: 'email is required' };
  if (/[\u0000-\u001f\u007f]/.test(raw.trim())) return { ok: false, message: 'email must be a single line' };
  const value = raw.trim().normalize('NFC').toLowerCase();
  if (value.length > MAX_EMAIL_LENGTH) return { ok: false, message: `email is longer than ${MAX_EMAIL_LENGTH} characters` };
  const at = value.lastIndexOf('@');
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  if (at < 1 || !LOCAL_PART.test(local) || local.startsWith('.') || local.endsWith('.') || local.includes('..')) {
    return { ok: false, message: 'email is not a valid address' };
  }
  const ascii = domainToASCII(domain);
  const labels = ascii.split('.');
  const tld = labels.at(-1)!;
  if (!ascii || labels.length < 2 || !labels.every((l) => ASCII_LABEL.test(l)) || tld.length < 2 || /^\d+$/.test(tld)) {
    return { ok: false, message: 'email is not a valid address' };
  }
  return { ok: true, email: `${local}@${domainToUnicode(ascii)}` };
}

/** The address in its one stored form, or undefined if it is not one. */
export function normalizeEmail(raw: unknown): string | undefined {
  const checked = checkEmail(raw);
  return checked.ok ? checked.email : undefined;
}

/** The form mail servers take: the domain in ASCII (punycode). */
export function deliverableAddress(email: string): string {
  const at = email.lastIndexOf('@');
  return `${email.slice(0, at)}@${domainToASCII(email.slice(at + 1))}`;
}
