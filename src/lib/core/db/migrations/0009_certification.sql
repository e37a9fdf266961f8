CREATE TABLE `certificates` (
	`id` text PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`product_id` text NOT NULL,
	`cohort_id` text,
	`name` text NOT NULL,
	`lang` text NOT NULL,
	`issued_at` integer NOT NULL,
	`revoked_at` integer,
	`email_sent_at` integer,
	`listed_at` integer,
	`directory_name` text,
	`directory_city` text,
	`directory_url` text
);
--> statement-breakpoint
CREATE INDEX `certificates_email` ON `certificates` (`email`,`product_id`);--> statement-breakpoint
CREATE INDEX `certificates_listed` ON `certificates` (`listed_at`);--> statement-breakpoint
CREATE TABLE `lesson_progress` (
	`email` text NOT NULL,
	`product_id` text NOT NULL,
	`lesson` integer NOT NULL,
	`done_at` integer NOT NULL,
	PRIMARY KEY(`email`, `product_id`, `lesson`)
);
