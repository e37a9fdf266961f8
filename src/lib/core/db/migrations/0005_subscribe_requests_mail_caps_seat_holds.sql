CREATE TABLE `address_sends` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`address_hash` text NOT NULL,
	`sent_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `address_sends_lookup` ON `address_sends` (`kind`,`address_hash`,`sent_at`);--> statement-breakpoint
CREATE TABLE `subscribe_requests` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`email` text NOT NULL,
	`lang` text NOT NULL,
	`source` text NOT NULL,
	`consent_version` text NOT NULL,
	`requested_at` integer NOT NULL,
	`due_at` integer,
	`attempts` integer DEFAULT 0 NOT NULL,
	`outcome` text,
	`confirmation_issued_at` integer
);
--> statement-breakpoint
CREATE INDEX `subscribe_requests_due` ON `subscribe_requests` (`due_at`);--> statement-breakpoint
CREATE INDEX `subscribe_requests_link` ON `subscribe_requests` (`email`,`confirmation_issued_at`);--> statement-breakpoint
ALTER TABLE `purchases` ADD `hold_network` text;