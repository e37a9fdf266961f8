
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

// Times are integer milliseconds since the epoch (UTC), read from the one clock.

// suppressed: the author stopped every email to the address until they lift it (docs/decisions/019).
export const SUBSCRIBER_STATUSES = ['pending', 'active', 'unsubscribed', 'bounced', 'complained', 'suppressed'] as const;
export type SubscriberStatus = (typeof SUBSCRIBER_STATUSES)[number];

export const subscribers = sqliteTable(
  'subscribers',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** lowercased, trimmed */
    email: text('email').notNull(),
    /** the person's name where an imported list had one (Mailchimp, Ghost, …); the signup form asks none */
    name: text('name'),
    lang: text('lang').notNull(),
    status: text('status', { enum: SUBSCRIBER_STATUSES }).notNull(),
    /** where the consent was given: a page path, or "import:<platform>" */
    source: text('source').notNull(),
    /** the consent wording shown, by its version in consent_texts (or "import:<platform>") */
    consentVersion: text('consent_version').notNull(),
    /** when the address was submitted (or the original consent date, for imports) */
    consentAt: integer('consent_at').notNull(),
    confirmedAt: integer('confirmed_at'),
    unsubscribedAt: integer('unsubscribed_at'),
    /** why the address is suppressed, for bounced/complained/imported-cleaned */
    statusReason: text('status_reason'),
    lastConfirmationSentAt: integer('last_confirmation_sent_at'),
    /** while suppressed by the author: the status lifting the suppression gives back */
    suppressedFrom: text('suppressed_from', { enum: SUBSCRIBER_STATUSES }),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('subscribers_email').on(t.email),
    index('subscribers_status_lang').on(t.status, t.lang),
    // The admin search by status alone reads it newest first and stops at a page (docs/decisions/019).
    index('subscribers_status').on(t.status),
    // The dashboard's growth history (src/lib/admin/dashboard.server.ts): when each subscriber
    // joined, with every column its filter reads, so 100,000 rows are counted from the index alone.
    index('subscribers_joined').on(sql`COALESCE(${t.confirmedAt}, ${t.createdAt})`, t.status, t.source, t.unsubscribedAt, t.updatedAt, t.createdAt, t.confirmedAt),
  ],
);

/**
 * Addresses erased at their owner's request (GDPR art. 17), kept only as an HMAC under the
 * installation's secret: an import skips them, and nothing else of the person is left.
 */
export const erasedAddresses = sqliteTable('erased_addresses', {
  addressHash: text('address_hash').primaryKey(),
  erasedAt: integer('erased_at').notNull(),
});

/**
 * What a POST /subscribe asked for, kept apart from the subscriber until the link is confirmed (a
 * stranger must not rewrite someone's language, source or consent). Written before the answer,
 * the same way for every address; the mail goes out after it. due_at is when the request may be
 * (re)tried: a claim moves it forward by a lease, a failed send by a back-off, done makes it null.
 */
export const subscribeRequests = sqliteTable(
  'subscribe_requests',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    email: text('email').notNull(),
    lang: text('lang').notNull(),
    source: text('source').notNull(),
    consentVersion: text('consent_version').notNull(),
    requestedAt: integer('requested_at').notNull(),
    dueAt: integer('due_at'),
    attempts: integer('attempts').notNull().default(0),
    /** sent | failed (gave up); requests that send nothing are deleted */
    outcome: text('outcome', { enum: ['sent', 'failed'] }),
    /** the moment named in the confirmation link (its "t"), which finds this request again */
    confirmationIssuedAt: integer('confirmation_issued_at'),
  },
  (t) => [index('subscribe_requests_due').on(t.dueAt), index('subscribe_requests_link').on(t.email, t.confirmationIssuedAt)],
);

/** Every consent wording ever shown on the subscribe form, by version (src/lib/newsletter/consent.ts). */
export const consentTexts = sqliteTable('consent_texts', {
  version: text('version').primaryKey(),
  lang: text('lang').notNull(),
  text: text('text').notNull(),
  firstShownAt: integer('first_shown_at').notNull(),
});

// paused: the author stopped it (resume sends the rest); cancelled: stopped for good, the rest never sent.
export const SEND_STATES = ['sending', 'paused', 'cancelled', 'done'] as const;

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
    /** what the provider reported back about this email after it was sent (Resend's webhook) */
    feedback: text('feedback', { enum: ['bounced', 'complained'] }),
  },
  (t) => [
    primaryKey({ columns: [t.sendId, t.subscriberId] }),
    // One batch's rows, whatever their state, and the batches after one in order (ledger.server.ts).
    index('send_recipients_send_batch').on(t.sendId, t.batch, t.state),
    index('send_recipients_provider').on(t.providerId),
    // One person's emails (the admin page, suppression, erasure) without reading every send's ledger.
    index('send_recipients_subscriber').on(t.subscriberId),
  ],
);

/** Webhook deliveries already applied (Resend/Svix ids, Stripe event ids): a repeat changes nothing. */
export const webhookEvents = sqliteTable('webhook_events', {
  id: text('id').primaryKey(),
  source: text('source').notNull(),
  type: text('type').notNull(),
  receivedAt: integer('received_at').notNull(),
});

/**
 * Facts about this installation, by name. `installation_id` (random, written by migration 0004)
 * makes idempotency keys and Message-IDs unique per installation: see docs/decisions/012.
 */
export const appSettings = sqliteTable('app_settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

/** Fixed-window counters for rate limits (per IP, per address). */
export const rateLimits = sqliteTable('rate_limits', {
  key: text('key').primaryKey(),
  windowStart: integer('window_start').notNull(),
  count: integer('count').notNull(),
});

/**
 * Emails sent to one recipient per kind (confirmation, sign-in), for the daily cap and back-off
 * that keep the app from being used to mail-bomb someone. The address is kept only as an HMAC.
 */
export const addressSends = sqliteTable(
  'address_sends',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    kind: text('kind').notNull(),
    addressHash: text('address_hash').notNull(),
    sentAt: integer('sent_at').notNull(),
  },
  (t) => [index('address_sends_lookup').on(t.kind, t.addressHash, t.sentAt)],
);

export const PURCHASE_STATUSES = ['reserved', 'pending', 'paid', 'granted', 'failed', 'expired', 'refunded', 'disputed', 'revoked'] as const;
export type PurchaseStatus = (typeof PURCHASE_STATUSES)[number];

/**
 * One row per Checkout Session (a seat reservation that becomes a purchase) or per author's grant.
 * Access needs only this row: paid/granted and now < access_until.
 */
export const purchases = sqliteTable(
  'purchases',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** lowercased, trimmed; empty while a reservation waits for Stripe to tell us the buyer */
    email: text('email').notNull(),
    productId: text('product_id').notNull(),
    cohortId: text('cohort_id'),
    lang: text('lang').notNull(),
    source: text('source', { enum: ['stripe', 'grant'] }).notNull(),
    status: text('status', { enum: PURCHASE_STATUSES }).notNull(),
    checkoutSessionId: text('checkout_session_id'),
    paymentIntentId: text('payment_intent_id'),
    customerId: text('customer_id'),
    amount: integer('amount'),
    currency: text('currency'),
    /** a reservation holds its seat until then (the Checkout Session's expiry) */
    reservedUntil: integer('reserved_until'),
    /** the network (HMAC of the IPv4 address or IPv6 /64) an anonymous reservation came from */
    holdNetwork: text('hold_network'),
    purchasedAt: integer('purchased_at'),
    /** null: access never ends */
    accessUntil: integer('access_until'),
    statusReason: text('status_reason'),
    /** taken by the process sending the receipt; a claim older than RECEIPT_CLAIM_MS was lost with its process */
    receiptClaimedAt: integer('receipt_claimed_at'),
    receiptSentAt: integer('receipt_sent_at'),
    /** why no receipt can reach the buyer (an address our rule or Resend refuses): the author is told instead */
    receiptError: text('receipt_error'),
    /** the author's "you made a sale" went out (or there was nobody to tell); the scheduler retries until then */
    saleNoticeSentAt: integer('sale_notice_sent_at'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('purchases_checkout_session').on(t.checkoutSessionId),
    index('purchases_email').on(t.email, t.productId),
    index('purchases_seats').on(t.productId, t.cohortId, t.status),
    index('purchases_payment_intent').on(t.paymentIntentId),
    index('purchases_access_until').on(t.status, t.accessUntil),
  ],
);

/** Refunds and disputes, kept by payment so one that arrives before its purchase still wins. */
export const paymentRevocations = sqliteTable('payment_revocations', {
  paymentIntentId: text('payment_intent_id').primaryKey(),
  status: text('status', { enum: ['refunded', 'disputed'] }).notNull(),
  at: integer('at').notNull(),
});

/** Deadline reminders already claimed: the primary key makes each one go out once. */
export const reminders = sqliteTable(
  'reminders',
  {
    purchaseId: integer('purchase_id').notNull(),
    kind: text('kind').notNull(),
    sentAt: integer('sent_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.purchaseId, t.kind] })],
);

/** Emailed sign-in links: only the SHA-256 of the token is kept; used_at makes it single-use. */
export const loginTokens = sqliteTable(
  'login_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    email: text('email').notNull(),
    lang: text('lang').notNull(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    usedAt: integer('used_at'),
  },
  (t) => [index('login_tokens_expires').on(t.expiresAt)],
);

/** Signed-in browsers: the cookie holds a random id, the table only its SHA-256. */
export const sessions = sqliteTable(
  'sessions',
  {
    idHash: text('id_hash').primaryKey(),
    email: text('email').notNull(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [index('sessions_email').on(t.email)],
);

/**
 * Lessons a buyer marked done, by the lesson's number (the NN of its file name), which is the same
 * lesson in every language. Deleting the row is "not done".
 */
export const lessonProgress = sqliteTable(
  'lesson_progress',
  {
    email: text('email').notNull(),
    productId: text('product_id').notNull(),
    lesson: integer('lesson').notNull(),
    doneAt: integer('done_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.email, t.productId, t.lesson] })],
);

/**
 * A qualified participant's certificate (docs/decisions/032). The id is the whole secret of its
 * page: 128 random bits, never derived from the email. A revoked certificate keeps its row, so its
 * page says "revoked" to whoever holds the link; certifying again issues a new id. The directory
 * fields are the coach's own opt-in: nothing is listed while listed_at is null.
 */
export const certificates = sqliteTable(
  'certificates',
  {
    id: text('id').primaryKey(),
    email: text('email').notNull(),
    productId: text('product_id').notNull(),
    cohortId: text('cohort_id'),
    /** the name printed on the certificate, as the author gave it */
    name: text('name').notNull(),
    lang: text('lang').notNull(),
    issuedAt: integer('issued_at').notNull(),
    revokedAt: integer('revoked_at'),
    emailSentAt: integer('email_sent_at'),
    listedAt: integer('listed_at'),
    directoryName: text('directory_name'),
    directoryCity: text('directory_city'),
    directoryUrl: text('directory_url'),
  },
  (t) => [index('certificates_email').on(t.email, t.productId), index('certificates_listed').on(t.listedAt)],
);
