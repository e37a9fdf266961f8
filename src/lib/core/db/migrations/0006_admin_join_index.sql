-- The dashboard's growth history reads when each subscriber joined; written by hand because
-- drizzle-kit quotes the parts of an expression as if they were column names.
CREATE INDEX `subscribers_joined` ON `subscribers` (COALESCE(`confirmed_at`, `created_at`),`status`,`source`,`unsubscribed_at`,`updated_at`,`created_at`,`confirmed_at`);
