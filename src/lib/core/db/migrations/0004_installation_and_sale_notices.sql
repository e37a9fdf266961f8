CREATE TABLE `app_settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
-- A random id per database, made once: idempotency keys and Message-IDs carry it, so two
-- installations on one Resend or Stripe account never share a key (docs/decisions/012).
INSERT INTO `app_settings` (`key`, `value`) VALUES ('installation_id', lower(hex(randomblob(16)))) ON CONFLICT DO NOTHING;
--> statement-breakpoint
ALTER TABLE `purchases` ADD `receipt_error` text;
--> statement-breakpoint
ALTER TABLE `purchases` ADD `sale_notice_sent_at` integer;
--> statement-breakpoint
-- Sales made before this migration were announced (or not) by the code of their day; only new
-- ones are retried by the scheduler.
UPDATE `purchases` SET `sale_notice_sent_at` = `updated_at` WHERE `status` NOT IN ('reserved', 'expired');
