
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

// Times are integer milliseconds since the epoch (UTC), read from the one clock.

export const SUBSCRIBER_STATUSES = ['pending', 'active', 'unsubscribed', 'bounced', 'complained'] as const;
export type SubscriberStatus = (typeof SUBSCRIBER_STATUSES)[number];

export const subscribers = sqliteTable(
  'subscribers',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** lowercased, trimmed */
    email: text('email').notNull(),
    lang: text('lang').notNull(),
    status: text('status', { enum: SUBSCRIBER_STATUSES }).notNull(),
    /** where the consent was given: a page path, or "import:<platform>" */
    source: text('source').notNull(),
    /** version of the consent wording shown (see src/lib/newsletter/consent.ts) */
    consentVersion: text('consent_version').notNull(),
    /** when the address was submitted (or the original consent date, for imports) */
    consentAt: integer('consent_at').notNull(),
    confirmedAt: integer('confirmed_at'),
    unsubscribedAt: integer('unsubscribed_at'),
    /** why the address is suppressed, for bounced/complained/imported-cleaned */
    statusReason: text('status_reason'),
    lastConfirmationSentAt: integer('last_confirmation_sent_at'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [uniqueIndex('subscribers_email').on(t.email), index('subscribers_status_lang').on(t.status, t.lang)],
);

export const SEND_STATES = ['sending', 'done'] as const;

/** One newsletter send: one Note to one language group of subscribers, at most once. */
export const sends = sqliteTable(
  'sends',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    noteNumber: integer('note_number').notNull(),
    /** the subscribers' language; the Note may be sent in the original language as a fallback */
    lang: text('lang').notNull(),
    noteLang: text('note_lang').notNull(),
    state: text('state', { enum: SEND_STATES }).notNull(),
    /** the process holding the send; it expires if that process dies */
    leaseOwner: text('lease_owner'),
    leaseExpiresAt: integer('lease_expires_at'),
    /** set in the same transaction that writes the recipient ledger */
    frozenAt: integer('frozen_at'),
    recipients: integer('recipients').notNull().default(0),
    sent: integer('sent').notNull().default(0),
    failed: integer('failed').notNull().default(0),
    bounced: integer('bounced').notNull().default(0),
    complained: integer('complained').notNull().default(0),
    startedAt: integer('started_at').notNull(),
    finishedAt: integer('finished_at'),
    /** last error that stopped progress for a while (rate limits, outages), for `newsletter status` */
    lastError: text('last_error'),
  },
  (t) => [uniqueIndex('sends_note_lang').on(t.noteNumber, t.lang)],
);

export const RECIPIENT_STATES = ['pending', 'sent', 'failed'] as const;

/** The recipient list frozen when a send starts; each row goes out once. */
export const sendRecipients = sqliteTable(
  'send_recipients',
  {
    sendId: integer('send_id').notNull().references(() => sends.id),
    subscriberId: integer('subscriber_id').notNull(),
    email: text('email').notNull(),
    batch: integer('batch').notNull(),
    state: text('state', { enum: RECIPIENT_STATES }).notNull().default('pending'),
    providerId: text('provider_id'),
    error: text('error'),
    sentAt: integer('sent_at'),
  },
  (t) => [primaryKey({ columns: [t.sendId, t.subscriberId] }), index('send_recipients_batch').on(t.sendId, t.state, t.batch), index('send_recipients_provider').on(t.providerId)],
);

/** Webhook deliveries already applied (Resend/Svix ids, Stripe event ids): a repeat changes nothing. */
export const webhookEvents = sqliteTable('webhook_events', {
  id: text('id').primaryKey(),
  source: text('source').notNull(),
  type: text('type').notNull(),
  receivedAt: integer('received_at').notNull(),
});

/** Fixed-window counters for rate limits (per IP, per address). */
export const rateLimits = sqliteTable('rate_limits', {
  key: text('key').primaryKey(),
  windowStart: integer('window_start').notNull(),
  count: integer('count').notNull(),
});

