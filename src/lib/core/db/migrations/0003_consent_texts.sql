CREATE TABLE `consent_texts` (
	`version` text PRIMARY KEY NOT NULL,
	`lang` text NOT NULL,
	`text` text NOT NULL,
	`first_shown_at` integer NOT NULL
);
--> statement-breakpoint
-- The wording before versions were hashes ("2026-11-25") was these same sentences, shown in the
-- subscriber's language: name each such consent by the version of its words.
INSERT INTO `consent_texts` (`version`, `lang`, `text`, `first_shown_at`) VALUES
  ('en-7ac8c388d831', 'en', 'Send me the weekly Note by email. I can unsubscribe with one click at any time.', 1795564800000),
  ('it-2d2d698225e9', 'it', 'Inviatemi la Nota settimanale via email. Posso cancellarmi con un clic in qualsiasi momento.', 1795564800000)
  ON CONFLICT DO NOTHING;
--> statement-breakpoint
UPDATE `subscribers` SET `consent_version` = 'en-7ac8c388d831' WHERE `consent_version` = '2026-11-25' AND `lang` = 'en';
--> statement-breakpoint
UPDATE `subscribers` SET `consent_version` = 'it-2d2d698225e9' WHERE `consent_version` = '2026-11-25' AND `lang` = 'it';
