import { domainToASCII, domainToUnicode } from 'node:url';

// The one rule for an email address, wherever one comes in: the subscribe form, sign-in, Stripe's
// customer details, the author's CLI, imported CSV files. Trimmed and lowercased; any letters in
// the local part (RFC 6531); a domain of at least two labels, internationalized ones allowed and
// kept in their Unicode form (bücher.de and xn--bcher-kva.de are one address). Nothing invisible
// or unprintable: control characters (C0, DEL, C1 such as NEL \x85), format characters (zero-width,
// bidi overrides, soft hyphen, BOM), line and paragraph separators, odd spaces, surrogates, private
// use and unassigned code points are refused here, because Resend refuses them and one refused
// address fails its whole batch.

const MAX_EMAIL_LENGTH = 254;

export type EmailCheck = { ok: true; email: string } | { ok: false; message: string };

const LOCAL_PART = /^[^\s@"<>(),;:\\[\]]{1,64}$/;
// Every separator but the plain space, which the local-part rule below refuses with the usual message.
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/u;
const ASCII_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export function checkEmail(raw: unknown): EmailCheck {
  if (typeof raw !== 'string' || raw.trim() === '') return { ok: false, message: 'email is required' };
  if (/[\u0000-\u001f\u007f\u0085\u2028\u2029]/.test(raw.trim())) return { ok: false, message: 'email must be a single line' };
  if (UNPRINTABLE.test(raw.trim())) return { ok: false, message: 'email contains an invisible or control character' };
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

/**
 * `Name <a@b>`, `"Name" <a@b>` or `a@b` (EMAIL_FROM): the one reading of a mailbox, used by the env
 * check, the From header and the Message-ID domain. A line break or a second angle bracket makes no
 * mailbox; the address part still has to pass checkEmail.
 */
export function parseMailbox(value: string): { name?: string; address: string } | undefined {
  const trimmed = value.trim();
  if (/[\r\n]/.test(trimmed)) return undefined;
  const angle = /^([^<>]*)<([^<>]+)>$/.exec(trimmed);
  if (!angle) return /[<>]/.test(trimmed) ? undefined : { address: trimmed };
  let name = angle[1]!.trim();
  if (/^".*"$/.test(name)) name = name.slice(1, -1).replace(/\\(.)/g, '$1');
  return { name: name || undefined, address: angle[2]!.trim() };
}
