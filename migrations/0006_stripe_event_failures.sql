CREATE TABLE `stripe_event_failures` (
	`event_id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`attempts` integer NOT NULL,
	`last_error` text NOT NULL,
	`first_failed_at` text NOT NULL,
	`last_failed_at` text NOT NULL
);
