// Subscriber CSV exports of other newsletter platforms (and our own), read into one shape.
// Column names and value semantics: tests/fixtures/imports/README.md. Pure: no database, no clock.

import type { SubscriberStatus } from '../core/db/schema.ts';
import { checkEmail } from '../core/email-address.ts';

export type ImportFormat = 'substack' | 'ghost' | 'mailchimp' | 'buttondown' | 'drumbeat';
export type MailchimpList = 'subscribed' | 'unsubscribed' | 'cleaned';

const PLATFORM_NAMES: Record<ImportFormat, string> = { substack: 'Substack', ghost: 'Ghost', mailchimp: 'Mailchimp', buttondown: 'Buttondown', drumbeat: 'Drumbeat' };

/**
 * The platform an imported address came from, by the name people know it by, when a subscriber's
 * source or consent version is the importer's "import:<format>" mark; undefined for anything else.
 */
export function importedFrom(mark: string): string | undefined {
  const format = /^import:(.+)$/.exec(mark)?.[1];
  return format !== undefined && Object.hasOwn(PLATFORM_NAMES, format) ? PLATFORM_NAMES[format as ImportFormat] : undefined;
}

export interface ImportedSubscriber {
  email: string;
  status: SubscriberStatus;
  /** only our own export carries one; the importer falls back to the site's default language */
  lang: string | undefined;
  consentAt: number;
  confirmedAt?: number;
  unsubscribedAt?: number;
  reason?: string;
  /** the person's name where the platform keeps one (Mailchimp, Ghost, Buttondown metadata, ours) */
  name?: string;
  /** only our own export: kept as they were so a round trip is lossless */
  source?: string;
  consentVersion?: string;
}

export interface SkippedRow {
  skip: string;
  email: string;
}

export type MappedRow = ImportedSubscriber | SkippedRow;

/** Reads one cell, untrimmed, by lowercase column name; '' when absent. */
export type Cell = (column: string) => string;

/** The columns that make a file our own export (every export since the first has them). */
export const DRUMBEAT_REQUIRED = ['email', 'status', 'language', 'consent_at', 'confirmed_at', 'unsubscribed_at', 'source', 'consent_version', 'status_reason'] as const;
/**
 * Header of our own export; `drumbeat` rows are read back by these names. `name` came later and
 * goes last, so files written before it (without the column) are still recognized and import as before.
 */
export const DRUMBEAT_COLUMNS = [...DRUMBEAT_REQUIRED, 'name'] as const;

/** Longer than any real name; a cell beyond it is some other data in the wrong column. */
export const NAME_MAX = 200;

const RECOGNIZED = 'Substack (email_list CSV), Ghost (Members export), Mailchimp (subscribed, unsubscribed or cleaned audience CSV), Buttondown (subscriber export) or Drumbeat (our own export)';

export function detectFormat(headerFields: string[]): ImportFormat {
  const has = new Set(headerFields.map(normalizeColumn));
  const all = (...names: string[]) => names.every((n) => has.has(n));
  if (all(...DRUMBEAT_REQUIRED)) return 'drumbeat';
  if (all('email', 'active_subscription', 'email_disabled')) return 'substack';
  if (all('email', 'subscribed_to_emails', 'complimentary_plan')) return 'ghost';
  if (all('email', 'subscriber_type', 'creation_date')) return 'buttondown';
  if (all('email address')) {
    mailchimpList(headerFields);
    return 'mailchimp';
  }
  const shown = headerFields.slice(0, 6).join(',') + (headerFields.length > 6 ? ',…' : '');
  throw new Error(`Unrecognized CSV header "${oneLine(shown)}": expected an export from ${RECOGNIZED}.`);
}

/** Mailchimp puts each status in its own file; only the column set tells them apart. */
export function mailchimpList(headerFields: string[]): MailchimpList {
  const has = new Set(headerFields.map(normalizeColumn));
  if (has.has('clean_time')) return 'cleaned';
  if (has.has('unsub_time')) return 'unsubscribed';
  if (has.has('last_changed')) return 'subscribed';
  throw new Error('Mailchimp CSV without LAST_CHANGED, UNSUB_TIME or CLEAN_TIME: cannot tell the subscribed, unsubscribed and cleaned lists apart.');
}

/** The mapper for one file: columns are looked up once, not per row. */
export function rowMapper(format: ImportFormat, headerFields: string[]): (fields: string[]) => MappedRow {
  const index = new Map<string, number>();
  headerFields.forEach((name, i) => {
    const key = normalizeColumn(name);
    if (!index.has(key)) index.set(key, i);
  });
  const map = format === 'mailchimp' ? mapMailchimp(mailchimpList(headerFields)) : MAPPERS[format];
  return (fields) =>
    map((column) => {
      const i = index.get(column);
      return i === undefined ? '' : (fields[i] ?? '');
    });
}

/** A row that cannot be imported; the message is the reason shown in the report. */
class RowProblem extends Error {}

/** Validates the address first, so that every skip can name it. */
function mapper(emailColumn: string, map: (cell: Cell, email: string) => ImportedSubscriber): (cell: Cell) => MappedRow {
  return (cell) => {
    const email = normalizeEmail(cell(emailColumn));
    if ('skip' in email) return email;
    try {
      const row = map(cell, email.email);
      // No platform's standard export has one, but a list that collected it (a Mailchimp merge
      // field, a column the author added) names it so; the importer checks it against the site.
      row.lang ??= (cell('language') || cell('lang')).trim().toLowerCase() || undefined;
      // The same for a name: a `name` column, or first and last (Kit and others spell them so).
      row.name ??= cleanName(cell('name')) ?? fullName(cell('first_name') || cell('first name'), cell('last_name') || cell('last name'));
      return row;
    } catch (err) {
      if (err instanceof RowProblem) return { skip: err.message, email: email.email };
      throw err;
    }
  };
}

export const mapSubstack = mapper('email', (cell, email) => ({
  email,
  status: bool(cell, 'email_disabled') ? 'unsubscribed' : 'active',
  lang: undefined,
  consentAt: requiredTime(cell, 'created_at', parseIsoTime),
}));

export const mapGhost = mapper('email', (cell, email) => {
  if (cell('deleted_at').trim()) throw new RowProblem('deleted in Ghost');
  return {
    email,
    status: bool(cell, 'subscribed_to_emails') ? 'active' : 'unsubscribed',
    lang: undefined,
    name: cleanName(cell('name')),
    consentAt: requiredTime(cell, 'created_at', parseIsoTime),
  };
});

export const mapMailchimp = (list: MailchimpList) =>
  mapper('email address', (cell, email) => {
    const confirmedAt = optionalTime(cell, 'confirm_time', parseMailchimpTime);
    // OPTIN_TIME is the signup form; members imported into Mailchimp only have CONFIRM_TIME.
    const consentAt = optionalTime(cell, 'optin_time', parseMailchimpTime) ?? confirmedAt;
    if (consentAt === undefined) throw new RowProblem('no consent date (OPTIN_TIME and CONFIRM_TIME are empty)');
    // "First Name"/"Last Name" are the default merge fields; older audiences export their tags FNAME/LNAME.
    const name = fullName(cell('first name') || cell('fname'), cell('last name') || cell('lname'));
    const row: ImportedSubscriber = { email, status: 'active', lang: undefined, name, consentAt, confirmedAt };
    if (list === 'unsubscribed') {
      row.status = 'unsubscribed';
      row.unsubscribedAt = optionalTime(cell, 'unsub_time', parseMailchimpTime);
    } else if (list === 'cleaned') {
      row.status = 'bounced';
      row.reason = oneLine(cell('notes')) || 'cleaned by Mailchimp';
    }
    return row;
  });

// Buttondown subscriber_type values (buttondown/openapi enums.json; `undeliverable` from the API docs).
const BUTTONDOWN_TYPES: Record<string, SubscriberStatus> = {
  regular: 'active',
  premium: 'active',
  gifted: 'active',
  trialed: 'active',
  churning: 'active',
  past_due: 'active',
  paused: 'active',
  unpaid: 'active',
  unactivated: 'pending',
  unsubscribed: 'unsubscribed',
  removed: 'unsubscribed',
  spammy: 'complained',
  undeliverable: 'bounced',
};

export const mapButtondown = mapper('email', (cell, email) => {
  const type = cell('subscriber_type').trim().toLowerCase();
  const status = Object.hasOwn(BUTTONDOWN_TYPES, type) ? BUTTONDOWN_TYPES[type]! : undefined;
  if (status === undefined) throw new RowProblem(`unknown subscriber_type "${oneLine(type)}"`);
  // We could send them a confirmation, but an import is no place to start mailing strangers.
  if (status === 'pending') throw new RowProblem('not confirmed in Buttondown (unactivated): unconfirmed imports are never mailed');
  const row: ImportedSubscriber = { email, status, lang: undefined, name: buttondownName(cell('metadata')), consentAt: requiredTime(cell, 'creation_date', parseIsoTime) };
  if (status === 'bounced' || status === 'complained') row.reason = `${type} in Buttondown`;
  return row;
});

const STATUSES: readonly string[] = ['pending', 'active', 'unsubscribed', 'bounced', 'complained', 'suppressed'] satisfies SubscriberStatus[];

export const mapDrumbeat = mapper('email', (cell, email) => {
  const status = cell('status').trim();
  if (!STATUSES.includes(status)) throw new RowProblem(`unknown status "${oneLine(status)}"`);
  return {
    email,
    status: status as SubscriberStatus,
    lang: cell('language').trim() || undefined,
    consentAt: requiredTime(cell, 'consent_at', parseIsoTime),
    confirmedAt: optionalTime(cell, 'confirmed_at', parseIsoTime),
    unsubscribedAt: optionalTime(cell, 'unsubscribed_at', parseIsoTime),
    reason: cell('status_reason') || undefined,
    // Stored names are already clean, so cleaning again keeps a round trip byte for byte.
    name: cleanName(cell('name')),
    source: cell('source') || undefined,
    consentVersion: cell('consent_version') || undefined,
  };
});

const MAPPERS: Record<Exclude<ImportFormat, 'mailchimp'>, (cell: Cell) => MappedRow> = {
  substack: mapSubstack,
  ghost: mapGhost,
  buttondown: mapButtondown,
  drumbeat: mapDrumbeat,
};

/** The app's one address rule (src/lib/core/email-address.ts), so an imported address is the one a reader types. */
export function normalizeEmail(raw: string): { email: string } | SkippedRow {
  const checked = checkEmail(raw);
  return checked.ok ? { email: checked.email } : { skip: checked.message, email: oneLine(raw) };
}

/** One line, trimmed, at most NAME_MAX characters; undefined when empty. */
export function cleanName(raw: string): string | undefined {
  const name = oneLine(raw);
  if (name === '') return undefined;
  return name.length <= NAME_MAX ? name : name.slice(0, NAME_MAX).trimEnd();
}

function fullName(first: string, last: string): string | undefined {
  return cleanName(`${first} ${last}`);
}

/** Buttondown has no name column; a name the signup form collected sits in the metadata JSON [G]. */
function buttondownName(metadata: string): string | undefined {
  if (!metadata.trim().startsWith('{')) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(metadata);
  } catch {
    return undefined;
  }
  if (typeof data !== 'object' || data === null) return undefined;
  const text = (key: string) => {
    const v = (data as Record<string, unknown>)[key];
    return typeof v === 'string' ? v : '';
  };
  return cleanName(text('name')) ?? fullName(text('first_name'), text('last_name'));
}

function bool(cell: Cell, column: string): boolean {
  const v = cell(column).trim().toLowerCase();
  // Substack's older export leaves booleans empty for the default (false).
  if (v === 'true') return true;
  if (v === 'false' || v === '') return false;
  throw new RowProblem(`${column} is "${oneLine(v)}", expected true or false`);
}

/** ISO 8601 with an explicit zone: without one, Date.parse would read it in the server's zone. */
export function parseIsoTime(value: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * Mailchimp writes "YYYY-MM-DD HH:MM:SS" without a zone, and which zone it means is unconfirmed
 * (the account's zone is not in the export; its API gives these times in UTC). We read them as
 * UTC: at worst a consent date is off by a few hours, which changes nothing we decide.
 */
export function parseMailchimpTime(value: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(value)) return undefined;
  const ms = Date.parse(`${value.replace(' ', 'T')}Z`);
  return Number.isNaN(ms) ? undefined : ms;
}

function optionalTime(cell: Cell, column: string, parse: (v: string) => number | undefined): number | undefined {
  const value = cell(column).trim();
  if (value === '') return undefined;
  const ms = parse(value);
  if (ms === undefined) throw new RowProblem(`${column} "${oneLine(value)}" is not a date`);
  return ms;
}

function requiredTime(cell: Cell, column: string, parse: (v: string) => number | undefined): number {
  const ms = optionalTime(cell, column, parse);
  if (ms === undefined) throw new RowProblem(`no consent date (${column} is empty)`);
  return ms;
}

function normalizeColumn(name: string): string {
  return name.replace(/^\uFEFF/, '').trim().toLowerCase();
}

/** Reasons and messages stay on one line (they end up in reports and CSV cells). */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
