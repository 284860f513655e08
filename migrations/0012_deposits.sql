CREATE TABLE `damage_claims` (
	`id` text PRIMARY KEY NOT NULL,
	`deposit_id` text NOT NULL,
	`rental_id` text NOT NULL,
	`renter_id` text NOT NULL,
	`owner_id` text NOT NULL,
	`amount` integer NOT NULL,
	`currency` text NOT NULL,
	`description` text NOT NULL,
	`evidence_urls` text DEFAULT '[]' NOT NULL,
	`status` text NOT NULL,
	`respond_by` text NOT NULL,
	`fee_basis_points` integer DEFAULT 0 NOT NULL,
	`decided_amount` integer,
	`decided_by` text,
	`captured_amount` integer,
	`platform_fee` integer,
	`owner_share` integer,
	`failure_code` text,
	`failure_message` text,
	`answered_at` text,
	`captured_at` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`deposit_id`) REFERENCES `deposits`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`rental_id`) REFERENCES `rentals`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`renter_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`owner_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`decided_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "damage_claims_amount_positive" CHECK("damage_claims"."amount" > 0),
	CONSTRAINT "damage_claims_decision_bounded" CHECK("damage_claims"."decided_amount" IS NULL OR ("damage_claims"."decided_amount" >= 0 AND "damage_claims"."decided_amount" <= "damage_claims"."amount"))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `damage_claims_rental_unique` ON `damage_claims` (`rental_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `damage_claims_deposit_unique` ON `damage_claims` (`deposit_id`);--> statement-breakpoint
CREATE INDEX `damage_claims_status_respond_idx` ON `damage_claims` (`status`,`respond_by`);--> statement-breakpoint
CREATE INDEX `damage_claims_status_updated_idx` ON `damage_claims` (`status`,`updated_at`);--> statement-breakpoint
CREATE TABLE `deposit_intents` (
	`id` text PRIMARY KEY NOT NULL,
	`deposit_id` text NOT NULL,
	`attempt` integer NOT NULL,
	`purpose` text NOT NULL,
	`claim_id` text,
	`amount` integer NOT NULL,
	`stripe_payment_intent_id` text,
	`failure_code` text,
	`superseded_at` text,
	`closed_at` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`deposit_id`) REFERENCES `deposits`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `deposit_intents_attempt_unique` ON `deposit_intents` (`deposit_id`,`attempt`);--> statement-breakpoint
CREATE UNIQUE INDEX `deposit_intents_intent_unique` ON `deposit_intents` (`stripe_payment_intent_id`);--> statement-breakpoint
CREATE INDEX `deposit_intents_to_cancel_idx` ON `deposit_intents` (`superseded_at`) WHERE superseded_at IS NOT NULL AND closed_at IS NULL;--> statement-breakpoint
CREATE TABLE `deposits` (
	`id` text PRIMARY KEY NOT NULL,
	`rental_id` text NOT NULL,
	`payment_id` text NOT NULL,
	`renter_id` text NOT NULL,
	`owner_id` text NOT NULL,
	`amount` integer NOT NULL,
	`currency` text NOT NULL,
	`status` text NOT NULL,
	`stripe_customer_id` text,
	`stripe_payment_method_id` text,
	`hold_due_at` text NOT NULL,
	`claim_window_ends_at` text NOT NULL,
	`stripe_payment_intent_id` text,
	`hold_expires_at` text,
	`captured_amount` integer DEFAULT 0 NOT NULL,
	`released_at` text,
	`failure_code` text,
	`failure_message` text,
	`retry_at` text DEFAULT '' NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`rental_id`) REFERENCES `rentals`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`payment_id`) REFERENCES `payments`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`renter_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`owner_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "deposits_amount_positive" CHECK("deposits"."amount" > 0),
	CONSTRAINT "deposits_captured_bounded" CHECK("deposits"."captured_amount" >= 0 AND "deposits"."captured_amount" <= "deposits"."amount")
);
--> statement-breakpoint
CREATE UNIQUE INDEX `deposits_rental_unique` ON `deposits` (`rental_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `deposits_intent_unique` ON `deposits` (`stripe_payment_intent_id`);--> statement-breakpoint
CREATE INDEX `deposits_status_hold_due_idx` ON `deposits` (`status`,`hold_due_at`);--> statement-breakpoint
CREATE INDEX `deposits_status_expires_idx` ON `deposits` (`status`,`hold_expires_at`);--> statement-breakpoint
CREATE INDEX `deposits_status_window_idx` ON `deposits` (`status`,`claim_window_ends_at`);--> statement-breakpoint
ALTER TABLE `users` ADD `stripe_customer_id` text;--> statement-breakpoint
CREATE UNIQUE INDEX `users_stripe_customer_unique` ON `users` (`stripe_customer_id`);