CREATE INDEX `listings_active_currency_created_idx` ON `listings` (`active`,`currency`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `listings_active_category_currency_created_idx` ON `listings` (`active`,`category`,`currency`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `listings_owner_active_created_idx` ON `listings` (`owner_id`,`active`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `rentals_renter_status_created_idx` ON `rentals` (`renter_id`,`status`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `rentals_owner_status_created_idx` ON `rentals` (`owner_id`,`status`,`created_at`,`id`);