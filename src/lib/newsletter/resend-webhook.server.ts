import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import { nowMs } from '../core/clock.ts';
import { getDb, serializeWrites } from '../core/db/client.server.ts';
import { sendRecipients, sends, subscribers, webhookEvents } from '../core/db/schema.ts';
import { normalizeEmail } from '../core/email-address.ts';
import { getEnv } from '../core/env.server.ts';
import { verifyResendWebhook } from '../email/transport.server.ts';
import { logEvent } from '../core/log.server.ts';

export type WebhookOutcome = { status: 200 | 400; body: { ok: boolean; error?: string; duplicate?: boolean; applied?: string } };

const MAX_WEBHOOK_BYTES = 256 * 1024;

interface ResendEvent {
  type: string;
  data?: {
    email_id?: string;
    to?: string[] | string;
    bounce?: { type?: string; subType?: string; message?: string };
    tags?: Record<string, string> | { name: string; value: string }[];
  };
}

function tagValue(tags: NonNullable<ResendEvent['data']>['tags'], name: string): string | undefined {
  if (!tags) return undefined;
  if (Array.isArray(tags)) return tags.find((t) => t.name === name)?.value;
  return tags[name];
}

/**
 * Resend's delivery events, verified with the Resend SDK (Svix signatures). Hard bounces and
 * complaints suppress the address at once and count against the send they came from; a repeated
 * delivery (same svix-id) changes nothing.
 */
/** One log line per delivery (named by the event's type and id, never its addresses). */
export async function handleResendWebhook(rawBody: string, headers: Headers): Promise<WebhookOutcome> {
  const outcome = await answerResendWebhook(rawBody, headers);
  const { body } = outcome;
  logEvent(outcome.status >= 400 ? 'warn' : 'info', 'resend.webhook', { status: outcome.status, id: headers.get('svix-id') ?? undefined, outcome: body.duplicate ? 'duplicate' : body.applied, error: body.error });
  return outcome;
}

async function answerResendWebhook(rawBody: string, headers: Headers): Promise<WebhookOutcome> {
  const secret = getEnv().RESEND_WEBHOOK_SECRET;
  if (!secret) return { status: 400, body: { ok: false, error: 'webhooks are not configured (RESEND_WEBHOOK_SECRET is unset)' } };
  if (rawBody.length > MAX_WEBHOOK_BYTES) return { status: 400, body: { ok: false, error: 'payload too large' } };
  const id = headers.get('svix-id') ?? '';
  try {
    verifyResendWebhook(rawBody, { id, timestamp: headers.get('svix-timestamp') ?? '', signature: headers.get('svix-signature') ?? '' }, secret);
  } catch {
    return { status: 400, body: { ok: false, error: 'invalid signature' } };
  }
  let event: ResendEvent;
  try {
    event = JSON.parse(rawBody);
  } catch {
    return { status: 400, body: { ok: false, error: 'payload is not JSON' } };
  }
  if (!event || typeof event.type !== 'string') return { status: 400, body: { ok: false, error: 'payload has no event type' } };

  const isHardBounce = event.type === 'email.bounced' && (event.data?.bounce?.type ?? 'Permanent').toLowerCase() === 'permanent';
  const isComplaint = event.type === 'email.complained';
  // Both the form our address rule gives and the address as written: a row stored before the rule
  // (or imported with another spelling of its domain) must be suppressed all the same.
  const recipients = [
    ...new Set(
      [event.data?.to ?? []]
        .flat()
        .filter((e): e is string => typeof e === 'string')
        .flatMap((e) => [e.trim().toLowerCase(), normalizeEmail(e)])
        .filter((e): e is string => Boolean(e)),
    ),
  ];

  return serializeWrites(() =>
    getDb().transaction(async (tx) => {
      const fresh = await tx.insert(webhookEvents).values({ id, source: 'resend', type: event.type, receivedAt: nowMs() }).onConflictDoNothing();
      if (fresh.rowsAffected === 0) return { status: 200, body: { ok: true, duplicate: true } };
      if (!isHardBounce && !isComplaint) return { status: 200, body: { ok: true, applied: 'ignored' } };
      const status = isComplaint ? 'complained' : 'bounced';
      const reason = isComplaint ? 'spam complaint' : `hard bounce${event.data?.bounce?.message ? `: ${event.data.bounce.message.slice(0, 200)}` : ''}`;
      if (recipients.length > 0) {
        // A complaint outranks a bounce; both outrank everything else.
        await tx
          .update(subscribers)
          .set({ status, statusReason: reason, updatedAt: nowMs() })
          .where(and(inArray(subscribers.email, recipients), ne(subscribers.status, 'complained')));
      }
      let sendId = Number(tagValue(event.data?.tags, 'send')) || undefined;
      if (!sendId && event.data?.email_id) {
        const row = await tx.query.sendRecipients.findFirst({ columns: { sendId: true }, where: eq(sendRecipients.providerId, event.data.email_id) });
        sendId = row?.sendId;
      }
      // The email it came from, so the person's page shows which one bounced or was reported.
      if (event.data?.email_id) {
        await tx.update(sendRecipients).set({ feedback: status }).where(and(eq(sendRecipients.providerId, event.data.email_id), sql`coalesce(${sendRecipients.feedback}, '') <> 'complained'`));
      }
      if (sendId) {
        await tx
          .update(sends)
          .set(isComplaint ? { complained: sql`${sends.complained} + 1` } : { bounced: sql`${sends.bounced} + 1` })
          .where(eq(sends.id, sendId));
      }
      return { status: 200, body: { ok: true, applied: `${status}: ${new Set([event.data?.to ?? []].flat()).size} address(es)` } };
    }, { behavior: 'immediate' }),
  );
}
