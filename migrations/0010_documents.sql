CREATE TABLE `documents` (
	`kind` text NOT NULL,
	`number` integer NOT NULL,
	`source_id` text NOT NULL,
	`payment_id` text NOT NULL,
	`issued_at` text NOT NULL,
	PRIMARY KEY(`kind`, `number`),
	FOREIGN KEY (`payment_id`) REFERENCES `payments`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `documents_kind_source_unique` ON `documents` (`kind`,`source_id`);