-- Full-text search over message bodies (SQLite FTS5), kept in step by triggers so that
-- every writer (send, edit, delete, seed, restore) updates it in the same transaction.
-- The index reads its text through a view (an external-content table: no second copy of
-- the bodies), which prepares each body for indexing:
--   * U+E001 and U+E002, the highlight markers of search results, are removed, so a body
--     can never forge a highlight;
--   * mention markup "<@123>" / "<@room>" becomes "<@\uE000123>": its token starts with a
--     private-use character that no search query can contain (the query builder keeps
--     letters and digits only), so searching "room" or "123" does not find every mention.
-- The same expression is written in the view and in each trigger: the index and its
-- content must agree token for token, or deletions would leave stale entries.
CREATE VIEW `message_search_source` AS
  SELECT `id`, replace(replace(replace(`body`, char(57345), ''), char(57346), ''), '<@', '<@' || char(57344)) AS `body`
  FROM `messages`;--> statement-breakpoint
CREATE VIRTUAL TABLE `messages_fts` USING fts5(
  `body`,
  content = 'message_search_source',
  content_rowid = 'id',
  tokenize = 'porter unicode61 remove_diacritics 2'
);--> statement-breakpoint
INSERT INTO `messages_fts` (`messages_fts`) VALUES ('rebuild');--> statement-breakpoint
CREATE TRIGGER `messages_fts_insert` AFTER INSERT ON `messages` BEGIN
  INSERT INTO `messages_fts` (`rowid`, `body`)
    VALUES (new.`id`, replace(replace(replace(new.`body`, char(57345), ''), char(57346), ''), '<@', '<@' || char(57344)));
END;--> statement-breakpoint
CREATE TRIGGER `messages_fts_delete` AFTER DELETE ON `messages` BEGIN
  INSERT INTO `messages_fts` (`messages_fts`, `rowid`, `body`)
    VALUES ('delete', old.`id`, replace(replace(replace(old.`body`, char(57345), ''), char(57346), ''), '<@', '<@' || char(57344)));
END;--> statement-breakpoint
-- An edit (or a deletion that empties the body) replaces the message's entry: found by its
-- new words only, and by none once its body is "".
CREATE TRIGGER `messages_fts_update` AFTER UPDATE OF `body` ON `messages` BEGIN
  INSERT INTO `messages_fts` (`messages_fts`, `rowid`, `body`)
    VALUES ('delete', old.`id`, replace(replace(replace(old.`body`, char(57345), ''), char(57346), ''), '<@', '<@' || char(57344)));
  INSERT INTO `messages_fts` (`rowid`, `body`)
    VALUES (new.`id`, replace(replace(replace(new.`body`, char(57345), ''), char(57346), ''), '<@', '<@' || char(57344)));
END;
