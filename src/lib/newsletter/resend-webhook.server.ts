import { Webhook } from 'svix';
import { nowMs } from '../clock.ts';
import { getDb, serializeWrites } from '../db/client.server.ts';
import { getEnv } from '../env.server.ts';

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

function tagValue(tags: ResendEvent['data'] extends infer D ? (D extends { tags?: infer T } ? T : never) : never, name: string): string | undefined {
  if (!tags) return undefined;
  if (Array.isArray(tags)) return tags.find((t) => t.name === name)?.value;
  return (tags as Record<string, string>)[name];
}

/**
 * Resend's delivery events, verified with Svix. Hard bounces and complaints suppress the address
 * at once and count against the send they came from; a repeated delivery (same svix-id) changes
 * nothing.
 */
export async function handleResendWebhook(rawBody: string, headers: Headers): Promise<WebhookOutcome> {
  const secret = getEnv().RESEND_WEBHOOK_SECRET;
  if (!secret) return { status: 400, body: { ok: false, error: 'webhooks are not configured (RESEND_WEBHOOK_SECRET is unset)' } };
  if (rawBody.length > MAX_WEBHOOK_BYTES) return { status: 400, body: { ok: false, error: 'payload too large' } };
  const svixHeaders = {
    'svix-id': headers.get('svix-id') ?? '',
    'svix-timestamp': headers.get('svix-timestamp') ?? '',
    'svix-signature': headers.get('svix-signature') ?? '',
  };
  try {
    new Webhook(secret).verify(rawBody, svixHeaders);
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
  const recipients = [event.data?.to ?? []]
    .flat()
    .filter((e): e is string => typeof e === 'string')
    .map((e) => e.trim().toLowerCase());

  return serializeWrites(async () => {
    const tx = await getDb().$client.transaction('write');
    try {
      const fresh = await tx.execute({
        sql: `INSERT INTO webhook_events (id, source, type, received_at) VALUES (?, 'resend', ?, ?) ON CONFLICT(id) DO NOTHING`,
        args: [svixHeaders['svix-id'], event.type, nowMs()],
      });
      if (fresh.rowsAffected === 0) {
        await tx.commit();
        return { status: 200, body: { ok: true, duplicate: true } };
      }
      let applied = 'ignored';
      if (isHardBounce || isComplaint) {
        const status = isComplaint ? 'complained' : 'bounced';
        const reason = isComplaint ? 'spam complaint' : `hard bounce${event.data?.bounce?.message ? `: ${event.data.bounce.message.slice(0, 200)}` : ''}`;
        for (const email of recipients) {
          // A complaint outranks a bounce; both outrank everything else.
          await tx.execute({
            sql: `UPDATE subscribers SET status = ?, status_reason = ?, updated_at = ? WHERE email = ? AND status != 'complained'`,
            args: [status, reason, nowMs(), email],
          });
        }
        let sendId = Number(tagValue(event.data?.tags as never, 'send')) || undefined;
        if (!sendId && event.data?.email_id) {
          const row = await tx.execute({ sql: 'SELECT send_id FROM send_recipients WHERE provider_id = ? LIMIT 1', args: [event.data.email_id] });
          sendId = row.rows[0] ? Number(row.rows[0].send_id) : undefined;
        }
        if (sendId) {
          await tx.execute({ sql: `UPDATE sends SET ${isComplaint ? 'complained = complained + 1' : 'bounced = bounced + 1'} WHERE id = ?`, args: [sendId] });
        }
        applied = `${status}: ${recipients.length} address(es)`;
      }
      await tx.commit();
      return { status: 200, body: { ok: true, applied } };
    } finally {
      tx.close();
    }
  });
}
