import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { nowMs } from '../core/clock.ts';
import { getEnv } from '../core/env.server.ts';
import MailComposer from 'nodemailer/lib/mail-composer';
import { sender, toApi, type OutgoingEmail } from './message.ts';

// Without RESEND_API_KEY every email is written here as it would be sent: one .eml (headers
// included) and one .html beside it, in DATA_DIR/outbox. /dev/outbox and the tests read it back.

export function outboxDir(): string {
  return path.join(getEnv().DATA_DIR, 'outbox');
}

/**
 * Writes an .eml (as it would be sent) and an .html beside it; a name reused overwrites, so replays
 * never duplicate. Asynchronous: a slow disk must not stall every other request of the server.
 * Nodemailer's composer writes the MIME (RFC 2047 words of at most 75 characters, folded headers,
 * an RFC 5322 Date), so the file is what a mail server would take; see docs/decisions/016.
 */
export async function writeToOutbox(email: OutgoingEmail, name: string): Promise<string> {
  const dir = outboxDir();
  await mkdir(dir, { recursive: true });
  const api = toApi(email);
  const { from, replyTo } = sender();
  const safeName = name.replace(/[^A-Za-z0-9._-]/g, '_');
  const eml = await new MailComposer({
    from,
    replyTo,
    to: api.to[0],
    subject: email.subject,
    date: new Date(nowMs()),
    // The operation's own Message-ID (unique per installation, see decision 012) when the sender made one.
    messageId: email.messageId ? `<${email.messageId}>` : `<${safeName}@drumbeat.outbox>`,
    headers: email.headers,
    text: email.text,
    html: email.html,
    newline: 'win',
    disableFileAccess: true,
    disableUrlAccess: true,
  })
    .compile()
    .build();
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

// The reader below knows the shape writeToOutbox gives (multipart/alternative, text and html,
// base64 or quoted-printable bodies), not every MIME message; tests check the writer with a full parser.

/** RFC 2047 encoded words back to text; adjacent words are one run of bytes (a character may span two). */
function decodeWords(value: string): string {
  return value.replace(/=\?[^?\s]+\?[BbQq]\?[^?\s]*\?=(?:\s+=\?[^?\s]+\?[BbQq]\?[^?\s]*\?=)*/g, (run) => {
    const bytes: Buffer[] = [];
    let charset = 'utf-8';
    for (const [, cs, enc, text] of run.matchAll(/=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g)) {
      charset = cs!.replace(/\*.*$/, '');
      bytes.push(enc!.toUpperCase() === 'B' ? Buffer.from(text!, 'base64') : qpBytes(text!.replaceAll('_', ' ')));
    }
    return new TextDecoder(charset).decode(Buffer.concat(bytes));
  });
}

function qpBytes(text: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const hex = text[i] === '=' ? /^[0-9A-Fa-f]{2}/.exec(text.slice(i + 1, i + 3)) : null;
    if (hex) {
      out.push(parseInt(hex[0], 16));
      i += 2;
    } else {
      out.push(...Buffer.from(text[i]!, 'utf8'));
    }
  }
  return Buffer.from(out);
}

/** Header block to a map of lowercase names; folded lines are unfolded first. */
function parseHeaders(head: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r\n(?=[ \t])/g, '').split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = decodeWords(line.slice(i + 1).trim());
  }
  return headers;
}

function splitHead(part: string): [Record<string, string>, string] {
  const i = part.indexOf('\r\n\r\n');
  return i < 0 ? [parseHeaders(part), ''] : [parseHeaders(part.slice(0, i)), part.slice(i + 4)];
}

function decodeBody(headers: Record<string, string>, body: string): string {
  const encoding = (headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') return qpBytes(body.replace(/=\r\n/g, '')).toString('utf8');
  return body;
}

function parseEml(name: string, eml: string, mtime: number): OutboxEntry {
  const [headers, body] = splitHead(eml);
  const boundary = /boundary="?([^";]+)"?/i.exec(headers['content-type'] ?? '')?.[1];
  const parts = boundary
    ? body.split(`--${boundary}`).slice(1, -1).map((p) => splitHead(p.replace(/^\r\n/, '').replace(/\r\n$/, '')))
    : [[headers, body] as [Record<string, string>, string]];
  const partText = (type: string) => {
    const part = parts.find(([h]) => (h['content-type'] ?? '').toLowerCase().startsWith(type));
    return part ? decodeBody(part[0], part[1]) : '';
  };
  return { name, to: headers.to ?? '', subject: headers.subject ?? '', date: mtime, headers, text: partText('text/plain'), html: partText('text/html') };
}
