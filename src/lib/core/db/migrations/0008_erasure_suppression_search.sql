CREATE TABLE `erased_addresses` (
	`address_hash` text PRIMARY KEY NOT NULL,
	`erased_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `send_recipients` ADD `feedback` text;--> statement-breakpoint
CREATE INDEX `send_recipients_subscriber` ON `send_recipients` (`subscriber_id`);--> statement-breakpoint
ALTER TABLE `subscribers` ADD `suppressed_from` text;--> statement-breakpoint
CREATE INDEX `subscribers_status` ON `subscribers` (`status`);
--> statement-breakpoint
-- Written by hand (drizzle-kit knows no virtual tables or triggers): a trigram index of the
-- addresses for the admin search (docs/decisions/019). External content: the addresses are read
-- from subscribers, the index holds only trigrams and row ids; the triggers keep it in step.
CREATE VIRTUAL TABLE `subscribers_search` USING fts5(email, content='subscribers', content_rowid='id', tokenize='trigram', detail='none');
--> statement-breakpoint
INSERT INTO `subscribers_search`(`subscribers_search`) VALUES('rebuild');
--> statement-breakpoint
CREATE TRIGGER `subscribers_search_insert` AFTER INSERT ON `subscribers` BEGIN
  INSERT INTO `subscribers_search`(rowid, email) VALUES (new.id, new.email);
END;
--> statement-breakpoint
CREATE TRIGGER `subscribers_search_delete` AFTER DELETE ON `subscribers` BEGIN
  INSERT INTO `subscribers_search`(`subscribers_search`, rowid, email) VALUES ('delete', old.id, old.email);
END;
--> statement-breakpoint
CREATE TRIGGER `subscribers_search_update` AFTER UPDATE OF email ON `subscribers` BEGIN
  INSERT INTO `subscribers_search`(`subscribers_search`, rowid, email) VALUES ('delete', old.id, old.email);
  INSERT INTO `subscribers_search`(rowid, email) VALUES (new.id, new.email);
END;
