import { nowMs } from '../../core/clock.ts';
import { getEnv } from '../../core/env.server.ts';
import { getSite } from '../../core/site.server.ts';
import { personalize, renderNewsletterEmail, type RenderedEmail } from '../../email/render.server.ts';
import { sendEmail, type OutgoingEmail } from '../../email/transport.server.ts';
import { formatDate } from '../../../i18n/format.ts';
import { absoluteUrl, notePath } from '../../../i18n/paths.ts';
import { loadNotesFromDisk } from '../../notes/disk.server.ts';
import { unsubscribeHeaders, unsubscribePreviewUrl } from '../links.server.ts';
import { previewPlansForNote, type PreviewPlan, type SendPlan } from '../plan.ts';
import { emailOffers } from './offers.server.ts';
import type { Lang } from '../../../i18n/lang.ts';

// The newsletter email of a send: rendered once per Note and language (rendering React per
// recipient would be thousands of times slower), then personalized per recipient.

/**
 * The newsletter for one Note and one subscriber language; `test` marks the author's test copy.
 * `unpublished` (previews and test copies only) also renders a draft or a scheduled version.
 */
export async function renderPlan(plan: SendPlan, opts: { test?: boolean; unpublished?: boolean; now?: number } = {}): Promise<RenderedEmail> {
  const site = getSite();
  const siteUrl = getEnv().SITE_URL;
  const { catalog, body } = loadNotesFromDisk();
  // A render in a process of its own (render-apart.server.ts) is told the sender's clock.
  const now = opts.now ?? nowMs();
  const note = opts.unpublished ? catalog.all().find((n) => n.lang === plan.noteLang && n.number === plan.noteNumber) : catalog.find(plan.noteLang, plan.noteNumber, now);
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
    // The Note's own language: the signature closes its text, as on the Note's page.
    signature: site.author.signature[note.lang],
    note: {
      number: note.number,
      title: note.title,
      summary: note.summary,
      lang: note.lang,
      dateLabel: formatDate(plan.lang, note.publishAt, site.timeZone),
      body: body(note),
    },
    citations,
    ...emailOffers(body(note), note.lang, siteUrl, now),
    siteUrl,
    readOnlineUrl: absoluteUrl(siteUrl, notePath(note)),
    unsubscribeUrl: 'UNSUBSCRIBE_URL_PLACEHOLDER',
    fallbackNotice: plan.fallback,
    test: opts.test,
  });
}

/** The author's test copy or preview: its unsubscribe link and header lead to a page that changes nothing. */
export function previewEmail(rendered: RenderedEmail, to: string, lang: SendPlan['lang'], tags: OutgoingEmail['tags']): OutgoingEmail {
  const url = unsubscribePreviewUrl(lang);
  return { to, ...personalize(rendered, url), subject: rendered.subject, headers: unsubscribeHeaders(url), tags };
}

/** The author's preview plans of a Note, public or not (see previewPlansForNote), optionally one language. */
export function previewPlans(noteNumber: number, lang?: Lang): PreviewPlan[] {
  const site = getSite();
  const { catalog } = loadNotesFromDisk();
  return previewPlansForNote(catalog, noteNumber, site.languages, site.defaultLanguage, nowMs()).filter((p) => !lang || p.lang === lang);
}

/** What the preview shows: the email exactly as a subscriber would get it, with a link that unsubscribes nobody. */
export async function previewOf(plan: PreviewPlan, to = 'preview@example.com'): Promise<OutgoingEmail & { subject: string }> {
  return previewEmail(await renderPlan(plan, { unpublished: true }), to, plan.lang, []);
}

/**
 * A test copy to any address, "[Test]" in the subject. Its unsubscribe link and header lead to a
 * page that changes nothing, so forwarding it or a mail client's one-click unsubscribes nobody.
 */
export async function sendTestCopy(plan: PreviewPlan, to: string): Promise<string> {
  const rendered = await renderPlan(plan, { test: true, unpublished: true });
  return sendEmail(previewEmail(rendered, to, plan.lang, [{ name: 'kind', value: 'test' }]));
}
