ALTER TABLE `conversations` ADD `last_seq` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `members` ADD `read_seq` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `members_conversation_read_seq` ON `members` (`conversation_id`,`read_seq`);--> statement-breakpoint
ALTER TABLE `messages` ADD `seq` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Existing messages take their conversation's numbers in id order (the order they were
-- committed in on SQLite), through a keyed temp table so the update is one pass.
CREATE TEMP TABLE `seq_backfill` (`id` integer PRIMARY KEY, `seq` integer NOT NULL);--> statement-breakpoint
INSERT INTO `seq_backfill` SELECT `id`, row_number() OVER (PARTITION BY `conversation_id` ORDER BY `id`) FROM `messages`;--> statement-breakpoint
UPDATE `messages` SET `seq` = `b`.`seq` FROM `seq_backfill` AS `b` WHERE `b`.`id` = `messages`.`id`;--> statement-breakpoint
DROP TABLE `seq_backfill`;--> statement-breakpoint
UPDATE `conversations` SET `last_seq` = (SELECT coalesce(max(`seq`), 0) FROM `messages` WHERE `messages`.`conversation_id` = `conversations`.`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `messages_conversation_seq` ON `messages` (`conversation_id`,`seq`);
