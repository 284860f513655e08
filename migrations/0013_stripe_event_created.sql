ALTER TABLE `stripe_events` ADD `created_at` text;--> statement-breakpoint
CREATE INDEX `stripe_events_processed_idx` ON `stripe_events` (`processed_at`);