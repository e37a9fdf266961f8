import { deliverableAddress, parseMailbox } from '../core/email-address.ts';
import { getEnv } from '../core/env.server.ts';
import { getSite } from '../core/site.server.ts';

// One email as the app hands it to the sender, and as Resend's API (and the outbox) take it.

export interface OutgoingEmail {
  to: string;
  subject: string;
  html: string;
  text: string;
  headers?: Record<string, string>;
  tags?: { name: string; value: string }[];
  /**
   * Message-ID without the angle brackets, unique per installation and operation and the same on
   * every retry (docs/decisions/012); the transport fills it from the idempotency key. The outbox
   * writes it; Resend makes its own.
   */
  messageId?: string;
}

/** A display name and an address, kept apart until a writer encodes them (docs/decisions/016). */
export interface Mailbox {
  name: string;
  address: string;
}

/** Reject anything that could inject a header, wherever the value came from. */
function assertHeaderSafe(value: string, what: string): void {
  if (/[\r\n]/.test(value)) throw new Error(`${what} contains a line break`);
}

/**
 * Who an email is from and where replies go. The From name: EMAIL_FROM's own display name when it
 * has one (set per installation, e.g. for staging), else site.yaml's newsletter.senderName, else
 * the site's title. Reply-To: site.yaml's newsletter.replyTo, else EMAIL_FROM's address.
 */
export function sender(): { from: Mailbox; replyTo: Mailbox } {
  const site = getSite();
  // The env module refused an EMAIL_FROM that is not a mailbox at start-up.
  const configured = parseMailbox(getEnv().EMAIL_FROM)!;
  const name = configured.name ?? site.newsletter.senderName ?? site.title;
  return { from: { name, address: configured.address }, replyTo: { name, address: site.newsletter.replyTo ?? configured.address } };
}

/**
 * A mailbox as Resend's JSON takes it: the name as written (Resend encodes non-ASCII itself), in a
 * quoted string when it holds characters that would otherwise split or end it (`,` `"` `<` …).
 */
export function formatMailbox({ name, address }: Mailbox): string {
  if (!name) return address;
  const plain = /^[\p{L}\p{N}\p{M} !#$%&'*+\-/=?^_`{|}~]+$/u.test(name);
  return `${plain ? name : `"${name.replace(/["\\]/g, '\\$&')}"`} <${address}>`;
}

/** The request body Resend takes (and the outbox writes): checked for header injection, the domain in ASCII. */
export function toApi(email: OutgoingEmail) {
  assertHeaderSafe(email.to, 'recipient');
  assertHeaderSafe(email.subject, 'subject');
  for (const [k, v] of Object.entries(email.headers ?? {})) assertHeaderSafe(`${k}${v}`, `header ${k}`);
  const { from, replyTo } = sender();
  return {
    from: formatMailbox(from),
    replyTo: formatMailbox(replyTo),
    to: [deliverableAddress(email.to)],
    subject: email.subject,
    html: email.html,
    text: email.text,
    headers: email.headers,
    tags: email.tags,
  };
}
