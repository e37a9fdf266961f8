// What a rendered email is, and how a rendered newsletter is personalized: plain strings, no
// React. The sender imports this, not render.server.ts, so a send loads no template code
// (the one render runs in a process of its own, src/lib/newsletter/delivery/render-apart.server.ts).

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

/**
 * The newsletter is rendered once per Note and language with this as its unsubscribe URL, then
 * `personalize` swaps in each recipient's: rendering React per recipient would be thousands of times slower.
 */
export const UNSUBSCRIBE_PLACEHOLDER = 'UNSUBSCRIBE_URL_PLACEHOLDER';

export const escapeAttribute = (s: string) => s.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

export function personalize(rendered: RenderedEmail, unsubscribeUrl: string): RenderedEmail {
  const inHtml = escapeAttribute(unsubscribeUrl);
  // Function replacers: a string replacement would expand `$&` and friends inside the URL.
  return {
    subject: rendered.subject,
    html: rendered.html.replaceAll(UNSUBSCRIBE_PLACEHOLDER, () => inHtml),
    text: rendered.text.replaceAll(UNSUBSCRIBE_PLACEHOLDER, () => unsubscribeUrl),
  };
}
