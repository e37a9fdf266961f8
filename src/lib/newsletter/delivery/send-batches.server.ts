import { escapeAttribute, personalize, UNSUBSCRIBE_PLACEHOLDER, type RenderedEmail } from '../../email/rendered.ts';
import { templateBatches, type OutgoingEmail, type PreparedBatch } from '../../email/transport.server.ts';
import { unsubscribeHeaders, unsubscribeUrl } from '../links.server.ts';

// A rendered newsletter made into each recipient's copy and each batch's request. No React here:
// the sender loads this, and the one render runs apart (render-apart.server.ts).

/** One recipient's copy: their own unsubscribe link, in the body and in the RFC 8058 headers. */
export function personalizedEmail(rendered: RenderedEmail, recipient: { id: number; email: string }, tags: OutgoingEmail['tags']): OutgoingEmail {
  const url = unsubscribeUrl(recipient);
  return { to: recipient.email, ...personalize(rendered, url), subject: rendered.subject, headers: unsubscribeHeaders(url), tags };
}

/**
 * The requests of a send: each batch written straight from the rendered email, the recipients'
 * own links filled in (the bytes prepareBatch would write for their personalizedEmail copies).
 */
export function newsletterBatches(rendered: RenderedEmail, tags: OutgoingEmail['tags']): (recipients: { id: number; email: string }[]) => PreparedBatch {
  const write = templateBatches({ subject: rendered.subject, html: rendered.html, text: rendered.text, tags }, UNSUBSCRIBE_PLACEHOLDER);
  return (recipients) =>
    write(
      recipients.map((recipient) => {
        const url = unsubscribeUrl(recipient);
        return { to: recipient.email, headers: unsubscribeHeaders(url), html: escapeAttribute(url), text: url };
      }),
    );
}

