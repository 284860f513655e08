CREATE TABLE `payout_accounts` (
	`user_id` text PRIMARY KEY NOT NULL,
	`stripe_account_id` text NOT NULL,
	`charges_enabled` integer DEFAULT false NOT NULL,
	`payouts_enabled` integer DEFAULT false NOT NULL,
	`details_submitted` integer DEFAULT false NOT NULL,
	`transfers_capability` text,
	`disabled_reason` text,
	`requirements_due` text DEFAULT '[]' NOT NULL,
	`refreshed_at` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `payout_accounts_stripe_account_unique` ON `payout_accounts` (`stripe_account_id`);--> statement-breakpoint
CREATE TABLE `payouts` (
	`id` text PRIMARY KEY NOT NULL,
	`payment_id` text NOT NULL,
	`rental_id` text NOT NULL,
	`owner_id` text NOT NULL,
	`amount` integer NOT NULL,
	`currency` text NOT NULL,
	`status` text NOT NULL,
	`owed` integer NOT NULL,
	`amount_reversed` integer DEFAULT 0 NOT NULL,
	`disputed_amount` integer DEFAULT 0 NOT NULL,
	`refund_fee_policy` text NOT NULL,
	`scheduled_for` text NOT NULL,
	`released_at` text,
	`stripe_transfer_id` text,
	`stripe_account_id` text,
	`attempt` integer DEFAULT 1 NOT NULL,
	`failure_code` text,
	`failure_message` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`settled_at` text DEFAULT '' NOT NULL,
	FOREIGN KEY (`payment_id`) REFERENCES `payments`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`rental_id`) REFERENCES `rentals`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`owner_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "payouts_amounts_non_negative" CHECK("payouts"."amount" >= 0 AND "payouts"."owed" >= 0),
	CONSTRAINT "payouts_reversed_bounded" CHECK("payouts"."amount_reversed" >= 0 AND "payouts"."amount_reversed" <= "payouts"."amount")
);
--> statement-breakpoint
CREATE UNIQUE INDEX `payouts_payment_unique` ON `payouts` (`payment_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `payouts_transfer_unique` ON `payouts` (`stripe_transfer_id`);--> statement-breakpoint
CREATE INDEX `payouts_owner_created_idx` ON `payouts` (`owner_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `payouts_owner_status_created_idx` ON `payouts` (`owner_id`,`status`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `payouts_status_created_idx` ON `payouts` (`status`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `payouts_status_scheduled_idx` ON `payouts` (`status`,`scheduled_for`);--> statement-breakpoint
CREATE INDEX `payouts_unsettled_idx` ON `payouts` (`settled_at`) WHERE released_at IS NOT NULL AND amount - amount_reversed <> owed;