DROP INDEX `send_recipients_batch`;--> statement-breakpoint
CREATE INDEX `send_recipients_send_batch` ON `send_recipients` (`send_id`,`batch`,`state`);