ALTER TABLE `payments` ADD `reconciled_at` text DEFAULT '' NOT NULL;--> statement-breakpoint
CREATE INDEX `payments_status_reconciled_idx` ON `payments` (`status`,`reconciled_at`);