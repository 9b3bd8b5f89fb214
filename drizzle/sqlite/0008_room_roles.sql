ALTER TABLE `conversations` ADD `topic` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `conversations` ADD `is_private` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `conversations` ADD `archived_at` integer;--> statement-breakpoint
ALTER TABLE `members` ADD `role` text DEFAULT 'member' NOT NULL;--> statement-breakpoint
ALTER TABLE `messages` ADD `kind` text DEFAULT 'user' NOT NULL;--> statement-breakpoint
ALTER TABLE `messages` ADD `event` text;--> statement-breakpoint
-- Rooms made before roles: their creator owns them (if still a member).
UPDATE `members` SET `role` = 'owner' WHERE `user_id` = (SELECT `created_by` FROM `conversations` WHERE `conversations`.`id` = `members`.`conversation_id` AND `conversations`.`kind` = 'room');
