CREATE TABLE `audit_log` (
	`id` text PRIMARY KEY NOT NULL,
	`entity_type` text NOT NULL,
	`entity_id` text NOT NULL,
	`from_status` text,
	`to_status` text NOT NULL,
	`source` text NOT NULL,
	`actor_id` text,
	`detail` text,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_log_entity_idx` ON `audit_log` (`entity_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `instruments` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`category` text NOT NULL,
	`brand` text,
	`model` text,
	`description` text,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `instruments_category_created_idx` ON `instruments` (`category`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `instruments_created_by_idx` ON `instruments` (`created_by`,`created_at`);--> statement-breakpoint
CREATE TABLE `listings` (
	`id` text PRIMARY KEY NOT NULL,
	`instrument_id` text NOT NULL,
	`owner_id` text NOT NULL,
	`category` text NOT NULL,
	`title` text NOT NULL,
	`description` text,
	`location` text,
	`daily_rate` integer NOT NULL,
	`currency` text NOT NULL,
	`deposit_amount` integer DEFAULT 0 NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`instrument_id`) REFERENCES `instruments`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`owner_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "listings_daily_rate_positive" CHECK("listings"."daily_rate" > 0),
	CONSTRAINT "listings_deposit_non_negative" CHECK("listings"."deposit_amount" >= 0)
);
--> statement-breakpoint
CREATE INDEX `listings_active_created_idx` ON `listings` (`active`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `listings_active_category_created_idx` ON `listings` (`active`,`category`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `listings_owner_created_idx` ON `listings` (`owner_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `listings_instrument_idx` ON `listings` (`instrument_id`);--> statement-breakpoint
CREATE TABLE `payments` (
	`id` text PRIMARY KEY NOT NULL,
	`rental_id` text NOT NULL,
	`renter_id` text NOT NULL,
	`owner_id` text NOT NULL,
	`amount` integer NOT NULL,
	`currency` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`platform_fee` integer NOT NULL,
	`owner_payout_amount` integer NOT NULL,
	`amount_refunded` integer DEFAULT 0 NOT NULL,
	`attempt` integer DEFAULT 1 NOT NULL,
	`stripe_payment_intent_id` text,
	`stripe_charge_id` text,
	`failure_code` text,
	`failure_message` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`completed_at` text,
	`refunded_at` text,
	FOREIGN KEY (`rental_id`) REFERENCES `rentals`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`renter_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`owner_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "payments_split_adds_up" CHECK("payments"."platform_fee" + "payments"."owner_payout_amount" = "payments"."amount"),
	CONSTRAINT "payments_refund_bounded" CHECK("payments"."amount_refunded" >= 0 AND "payments"."amount_refunded" <= "payments"."amount")
);
--> statement-breakpoint
CREATE UNIQUE INDEX `payments_rental_unique` ON `payments` (`rental_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `payments_intent_unique` ON `payments` (`stripe_payment_intent_id`);--> statement-breakpoint
CREATE INDEX `payments_renter_created_idx` ON `payments` (`renter_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `payments_owner_created_idx` ON `payments` (`owner_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `payments_status_updated_idx` ON `payments` (`status`,`updated_at`);--> statement-breakpoint
CREATE TABLE `refunds` (
	`id` text PRIMARY KEY NOT NULL,
	`payment_id` text NOT NULL,
	`stripe_refund_id` text,
	`amount` integer NOT NULL,
	`currency` text NOT NULL,
	`status` text NOT NULL,
	`reason` text,
	`failure_reason` text,
	`requested_by` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`payment_id`) REFERENCES `payments`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`requested_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "refunds_amount_positive" CHECK("refunds"."amount" > 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `refunds_stripe_refund_unique` ON `refunds` (`stripe_refund_id`);--> statement-breakpoint
CREATE INDEX `refunds_payment_created_idx` ON `refunds` (`payment_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `rentals` (
	`id` text PRIMARY KEY NOT NULL,
	`listing_id` text NOT NULL,
	`renter_id` text NOT NULL,
	`owner_id` text NOT NULL,
	`start_date` text NOT NULL,
	`end_date` text NOT NULL,
	`days` integer NOT NULL,
	`daily_rate` integer NOT NULL,
	`amount` integer NOT NULL,
	`currency` text NOT NULL,
	`deposit_amount` integer DEFAULT 0 NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`hold_expires_at` text NOT NULL,
	`cancel_reason` text,
	`cancelled_at` text,
	`completed_at` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`listing_id`) REFERENCES `listings`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`renter_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`owner_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "rentals_dates_ordered" CHECK("rentals"."end_date" > "rentals"."start_date"),
	CONSTRAINT "rentals_amount_positive" CHECK("rentals"."amount" > 0)
);
--> statement-breakpoint
CREATE INDEX `rentals_listing_status_dates_idx` ON `rentals` (`listing_id`,`status`,`start_date`,`end_date`);--> statement-breakpoint
CREATE INDEX `rentals_renter_created_idx` ON `rentals` (`renter_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `rentals_owner_created_idx` ON `rentals` (`owner_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `rentals_status_hold_idx` ON `rentals` (`status`,`hold_expires_at`);--> statement-breakpoint
CREATE TABLE `stripe_events` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`object_id` text,
	`processed_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`name` text NOT NULL,
	`password_hash` text,
	`external_subject` text,
	`role` text DEFAULT 'user' NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_unique` ON `users` (`email`);--> statement-breakpoint
CREATE UNIQUE INDEX `users_external_subject_unique` ON `users` (`external_subject`);