-- New messages enter the search index in batches, not one by one from a trigger in each
-- send: a one-message transaction wrote an FTS5 segment of its own, about a fifth of a
-- send's cost (docs/BENCHMARKS.md). `search_indexed.up_to` is the id up to which messages
-- are in the index; src/db/search-backlog.ts indexes what lies beyond it, a few times a
-- second and before every search, so a search never misses a message.
-- Edits and deletions of messages already indexed still change the index in their own
-- transaction (an edited or deleted text leaves the index at once); those of messages not
-- indexed yet need nothing: the batch reads their text as it is then.
CREATE TABLE `search_indexed` (
  `id` integer PRIMARY KEY NOT NULL CHECK (`id` = 1),
  `up_to` integer NOT NULL
);--> statement-breakpoint
INSERT INTO `search_indexed` (`id`, `up_to`) SELECT 1, coalesce(max(`id`), 0) FROM `messages`;--> statement-breakpoint
DROP TRIGGER `messages_fts_insert`;--> statement-breakpoint
DROP TRIGGER `messages_fts_delete`;--> statement-breakpoint
CREATE TRIGGER `messages_fts_delete` AFTER DELETE ON `messages`
WHEN old.`id` <= (SELECT `up_to` FROM `search_indexed` WHERE `id` = 1) BEGIN
  INSERT INTO `messages_fts` (`messages_fts`, `rowid`, `body`)
    VALUES ('delete', old.`id`, replace(replace(replace(old.`body`, char(57345), ''), char(57346), ''), '<@', '<@' || char(57344)));
END;--> statement-breakpoint
DROP TRIGGER `messages_fts_update`;--> statement-breakpoint
CREATE TRIGGER `messages_fts_update` AFTER UPDATE OF `body` ON `messages`
WHEN old.`id` <= (SELECT `up_to` FROM `search_indexed` WHERE `id` = 1) BEGIN
  INSERT INTO `messages_fts` (`messages_fts`, `rowid`, `body`)
    VALUES ('delete', old.`id`, replace(replace(replace(old.`body`, char(57345), ''), char(57346), ''), '<@', '<@' || char(57344)));
  INSERT INTO `messages_fts` (`rowid`, `body`)
    VALUES (new.`id`, replace(replace(replace(new.`body`, char(57345), ''), char(57346), ''), '<@', '<@' || char(57344)));
END;
