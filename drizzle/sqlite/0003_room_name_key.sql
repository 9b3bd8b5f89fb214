DROP INDEX `conversations_room_name_lower_unique`;--> statement-breakpoint
ALTER TABLE `conversations` ADD `name_key` text;--> statement-breakpoint
CREATE UNIQUE INDEX `conversations_room_name_key_unique` ON `conversations` (`name_key`);