CREATE TABLE `login_tokens` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`lang` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer
);
--> statement-breakpoint
CREATE INDEX `login_tokens_expires` ON `login_tokens` (`expires_at`);--> statement-breakpoint
CREATE TABLE `payment_revocations` (
	`payment_intent_id` text PRIMARY KEY NOT NULL,
	`status` text NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `purchases` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`email` text NOT NULL,
	`product_id` text NOT NULL,
	`cohort_id` text,
	`lang` text NOT NULL,
	`source` text NOT NULL,
	`status` text NOT NULL,
	`checkout_session_id` text,
	`payment_intent_id` text,
	`customer_id` text,
	`amount` integer,
	`currency` text,
	`reserved_until` integer,
	`purchased_at` integer,
	`access_until` integer,
	`status_reason` text,
	`receipt_sent_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `purchases_checkout_session` ON `purchases` (`checkout_session_id`);--> statement-breakpoint
CREATE INDEX `purchases_email` ON `purchases` (`email`,`product_id`);--> statement-breakpoint
CREATE INDEX `purchases_seats` ON `purchases` (`product_id`,`cohort_id`,`status`);--> statement-breakpoint
CREATE INDEX `purchases_payment_intent` ON `purchases` (`payment_intent_id`);--> statement-breakpoint
CREATE INDEX `purchases_access_until` ON `purchases` (`status`,`access_until`);--> statement-breakpoint
CREATE TABLE `reminders` (
	`purchase_id` integer NOT NULL,
	`kind` text NOT NULL,
	`sent_at` integer NOT NULL,
	PRIMARY KEY(`purchase_id`, `kind`)
);
--> statement-breakpoint
CREATE TABLE `sessions` (
	`id_hash` text PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `sessions_email` ON `sessions` (`email`);