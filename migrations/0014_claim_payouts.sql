-- Payouts of captured damage claims: payouts.payment_id becomes nullable and payouts gets kind and claim_id, so
-- the table is rebuilt (SQLite cannot drop NOT NULL in place). Edited by hand after drizzle-kit: existing rows
-- are copied as kind 'rental' with no claim (drizzle-kit selected the new columns from the old table), and the
-- CHECK constraints name their columns unqualified, so they still hold after the rename. No table references
-- payouts, so dropping it is safe whether or not D1 honours the foreign_keys pragmas.
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_payouts` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text DEFAULT 'rental' NOT NULL,
	`payment_id` text,
	`claim_id` text,
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
	FOREIGN KEY (`claim_id`) REFERENCES `damage_claims`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`rental_id`) REFERENCES `rentals`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`owner_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "payouts_one_source" CHECK(("kind" = 'rental' AND "payment_id" IS NOT NULL AND "claim_id" IS NULL)
        OR ("kind" = 'damage_claim' AND "claim_id" IS NOT NULL AND "payment_id" IS NULL)),
	CONSTRAINT "payouts_amounts_non_negative" CHECK("amount" >= 0 AND "owed" >= 0),
	CONSTRAINT "payouts_reversed_bounded" CHECK("amount_reversed" >= 0 AND "amount_reversed" <= "amount")
);
--> statement-breakpoint
INSERT INTO `__new_payouts`("id", "kind", "payment_id", "claim_id", "rental_id", "owner_id", "amount", "currency", "status", "owed", "amount_reversed", "disputed_amount", "refund_fee_policy", "scheduled_for", "released_at", "stripe_transfer_id", "stripe_account_id", "attempt", "failure_code", "failure_message", "created_at", "updated_at", "settled_at") SELECT "id", 'rental', "payment_id", NULL, "rental_id", "owner_id", "amount", "currency", "status", "owed", "amount_reversed", "disputed_amount", "refund_fee_policy", "scheduled_for", "released_at", "stripe_transfer_id", "stripe_account_id", "attempt", "failure_code", "failure_message", "created_at", "updated_at", "settled_at" FROM `payouts`;--> statement-breakpoint
DROP TABLE `payouts`;--> statement-breakpoint
ALTER TABLE `__new_payouts` RENAME TO `payouts`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `payouts_payment_unique` ON `payouts` (`payment_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `payouts_claim_unique` ON `payouts` (`claim_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `payouts_transfer_unique` ON `payouts` (`stripe_transfer_id`);--> statement-breakpoint
CREATE INDEX `payouts_owner_created_idx` ON `payouts` (`owner_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `payouts_owner_status_created_idx` ON `payouts` (`owner_id`,`status`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `payouts_status_created_idx` ON `payouts` (`status`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `payouts_status_scheduled_idx` ON `payouts` (`status`,`scheduled_for`);--> statement-breakpoint
CREATE INDEX `payouts_unsettled_idx` ON `payouts` (`settled_at`) WHERE released_at IS NOT NULL AND amount - amount_reversed <> owed;--> statement-breakpoint
ALTER TABLE `damage_claims` ADD `stripe_charge_id` text;