import { nowMs } from '../../core/clock.ts';
import { getEnv } from '../../core/env.server.ts';
import { getSite } from '../../core/site.server.ts';
import { personalize, renderNewsletterEmail, type RenderedEmail } from '../../email/render.server.ts';
import type { OutgoingEmail } from '../../email/transport.server.ts';
import { formatDate } from '../../../i18n/format.ts';
import { absoluteUrl, notePath } from '../../../i18n/paths.ts';
import { loadNotesFromDisk } from '../../notes/disk.server.ts';
import { unsubscribeHeaders, unsubscribeUrl } from '../links.server.ts';
import type { SendPlan } from '../plan.ts';

// The newsletter email of a send: rendered once per Note and language (rendering React per
// recipient would be thousands of times slower), then personalized per recipient.

/** The newsletter for one Note and one subscriber language. */
export async function renderPlan(plan: SendPlan): Promise<RenderedEmail> {
  const site = getSite();
  const siteUrl = getEnv().SITE_URL;
  const { catalog, body } = loadNotesFromDisk();
  const now = nowMs();
  const note = catalog.find(plan.noteLang, plan.noteNumber, now);
  if (!note) throw new Error(`Note ${plan.noteNumber} (${plan.noteLang}) is not published`);
  const citations: Record<number, { title: string; url: string } | undefined> = {};
  for (const n of catalog.all()) {
    const cited = catalog.find(plan.lang, n.number, now) ?? catalog.find(site.defaultLanguage, n.number, now);
    if (cited) citations[n.number] = { title: cited.title, url: absoluteUrl(siteUrl, notePath(cited)) };
  }
  return renderNewsletterEmail({
    lang: plan.lang,
    siteTitle: site.title,
    authorName: site.author.name,
    authorBio: site.author.bio[plan.lang] ?? site.author.bio[site.defaultLanguage] ?? '',
    note: {
      number: note.number,
      title: note.title,
      summary: note.summary,
      lang: note.lang,
      dateLabel: formatDate(plan.lang, note.publishAt, site.timeZone),
      body: body(note),
    },
    citations,
    siteUrl,
    readOnlineUrl: absoluteUrl(siteUrl, notePath(note)),
    unsubscribeUrl: 'UNSUBSCRIBE_URL_PLACEHOLDER',
    fallbackNotice: plan.fallback,
  });
}

/** One recipient's copy: their own unsubscribe link, in the body and in the RFC 8058 headers. */
export function personalizedEmail(rendered: RenderedEmail, recipient: { id: number; email: string }, tags: OutgoingEmail['tags']): OutgoingEmail {
  const url = unsubscribeUrl(recipient);
  return { to: recipient.email, ...personalize(rendered, url), subject: rendered.subject, headers: unsubscribeHeaders(url), tags };
}
