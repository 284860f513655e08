ALTER TABLE `listings` ADD `cancellation_policy` text DEFAULT 'flexible' NOT NULL;--> statement-breakpoint
ALTER TABLE `listings` ADD `time_zone` text DEFAULT 'UTC' NOT NULL;--> statement-breakpoint
ALTER TABLE `rentals` ADD `cancellation_policy` text DEFAULT 'flexible' NOT NULL;--> statement-breakpoint
ALTER TABLE `rentals` ADD `time_zone` text DEFAULT 'UTC' NOT NULL;