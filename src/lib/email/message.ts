import { deliverableAddress } from '../core/email-address.ts';
import { getEnv } from '../core/env.server.ts';

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

/** Reject anything that could inject a header, wherever the value came from. */
function assertHeaderSafe(value: string, what: string): void {
  if (/[\r\n]/.test(value)) throw new Error(`${what} contains a line break`);
}

/** The request body Resend takes (and the outbox writes): checked for header injection, the domain in ASCII. */
export function toApi(email: OutgoingEmail) {
  assertHeaderSafe(email.to, 'recipient');
  assertHeaderSafe(email.subject, 'subject');
  for (const [k, v] of Object.entries(email.headers ?? {})) assertHeaderSafe(`${k}${v}`, `header ${k}`);
  return { from: getEnv().EMAIL_FROM, to: [deliverableAddress(email.to)], subject: email.subject, html: email.html, text: email.text, headers: email.headers, tags: email.tags };
}
