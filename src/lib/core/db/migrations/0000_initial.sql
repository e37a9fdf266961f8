CREATE TABLE `rate_limits` (
	`key` text PRIMARY KEY NOT NULL,
	`window_start` integer NOT NULL,
	`count` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `send_recipients` (
	`send_id` integer NOT NULL,
	`subscriber_id` integer NOT NULL,
	`email` text NOT NULL,
	`batch` integer NOT NULL,
	`state` text DEFAULT 'pending' NOT NULL,
	`provider_id` text,
	`error` text,
	`sent_at` integer,
	PRIMARY KEY(`send_id`, `subscriber_id`),
	FOREIGN KEY (`send_id`) REFERENCES `sends`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `send_recipients_batch` ON `send_recipients` (`send_id`,`state`,`batch`);--> statement-breakpoint
CREATE INDEX `send_recipients_provider` ON `send_recipients` (`provider_id`);--> statement-breakpoint
CREATE TABLE `sends` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`note_number` integer NOT NULL,
	`lang` text NOT NULL,
	`note_lang` text NOT NULL,
	`state` text NOT NULL,
	`lease_owner` text,
	`lease_expires_at` integer,
	`frozen_at` integer,
	`recipients` integer DEFAULT 0 NOT NULL,
	`sent` integer DEFAULT 0 NOT NULL,
	`failed` integer DEFAULT 0 NOT NULL,
	`bounced` integer DEFAULT 0 NOT NULL,
	`complained` integer DEFAULT 0 NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer,
	`last_error` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sends_note_lang` ON `sends` (`note_number`,`lang`);--> statement-breakpoint
CREATE TABLE `subscribers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`email` text NOT NULL,
	`lang` text NOT NULL,
	`status` text NOT NULL,
	`source` text NOT NULL,
	`consent_version` text NOT NULL,
	`consent_at` integer NOT NULL,
	`confirmed_at` integer,
	`unsubscribed_at` integer,
	`status_reason` text,
	`last_confirmation_sent_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `subscribers_email` ON `subscribers` (`email`);--> statement-breakpoint
CREATE INDEX `subscribers_status_lang` ON `subscribers` (`status`,`lang`);--> statement-breakpoint
CREATE TABLE `webhook_events` (
	`id` text PRIMARY KEY NOT NULL,
	`source` text NOT NULL,
	`type` text NOT NULL,
	`received_at` integer NOT NULL
);
