import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { nowMs } from '../core/clock.ts';
import { getEnv } from '../core/env.server.ts';
import { toApi, type OutgoingEmail } from './message.ts';

// Without RESEND_API_KEY every email is written here as it would be sent: one .eml (headers
// included) and one .html beside it, in DATA_DIR/outbox. /dev/outbox and the tests read it back.

export function outboxDir(): string {
  return path.join(getEnv().DATA_DIR, 'outbox');
}

function encodeHeader(value: string): string {
  // RFC 2047 for non-ASCII header text (subjects in Italian, names).
  return /^[\x20-\x7e]*$/.test(value) ? value : `=?UTF-8?B?${Buffer.from(value).toString('base64')}?=`;
}

/**
 * Writes an .eml (as it would be sent) and an .html beside it; a name reused overwrites, so replays
 * never duplicate. Asynchronous: a slow disk must not stall every other request of the server.
 */
export async function writeToOutbox(email: OutgoingEmail, name: string): Promise<string> {
  const dir = outboxDir();
  await mkdir(dir, { recursive: true });
  const api = toApi(email);
  const safeName = name.replace(/[^A-Za-z0-9._-]/g, '_');
  const boundary = `drumbeat-${safeName}`;
  const headers = [
    `From: ${api.from}`,
    `To: ${api.to[0]}`,
    `Subject: ${encodeHeader(email.subject)}`,
    `Date: ${new Date(nowMs()).toUTCString()}`,
    `Message-ID: <${safeName}@drumbeat.outbox>`,
    'MIME-Version: 1.0',
    ...Object.entries(email.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
  ];
  const eml = [
    ...headers,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from(email.text).toString('base64').replace(/.{76}/g, '$&\r\n'),
    `--${boundary}`,
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from(email.html).toString('base64').replace(/.{76}/g, '$&\r\n'),
    `--${boundary}--`,
    '',
  ].join('\r\n');
  await Promise.all([writeFile(path.join(dir, `${safeName}.eml`), eml), writeFile(path.join(dir, `${safeName}.html`), email.html)]);
  return `outbox:${safeName}`;
}

export interface OutboxEntry {
  name: string;
  to: string;
  subject: string;
  date: number;
  headers: Record<string, string>;
  text: string;
  html: string;
}

/** Reads the outbox back (dev page, tests): newest first. */
export function readOutbox(limit = 200): OutboxEntry[] {
  const dir = outboxDir();
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.eml'));
  } catch {
    return [];
  }
  return files
    .map((f) => ({ f, mtime: statSync(path.join(dir, f)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime || b.f.localeCompare(a.f))
    .slice(0, limit)
    .map(({ f, mtime }) => parseEml(f.replace(/\.eml$/, ''), readFileSync(path.join(dir, f), 'utf8'), mtime));
}

function decodeHeader(value: string): string {
  return value.replace(/=\?UTF-8\?B\?([^?]+)\?=/g, (_, b64: string) => Buffer.from(b64, 'base64').toString('utf8'));
}

function parseEml(name: string, eml: string, mtime: number): OutboxEntry {
  const [head = '', ...rest] = eml.split('\r\n\r\n');
  const headers: Record<string, string> = {};
  for (const line of head.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).toLowerCase()] = decodeHeader(line.slice(i + 1).trim());
  }
  const body = rest.join('\r\n\r\n');
  const parts = body.split(/--drumbeat-[^\r\n]*/).map((p) => p.trim()).filter((p) => p.startsWith('Content-Type'));
  const partText = (type: string) => {
    const part = parts.find((p) => p.startsWith(`Content-Type: ${type}`));
    return part ? Buffer.from(part.split('\r\n\r\n')[1]!.replace(/\s+/g, ''), 'base64').toString('utf8') : '';
  };
  return { name, to: headers.to ?? '', subject: headers.subject ?? '', date: mtime, headers, text: partText('text/plain'), html: partText('text/html') };
}
