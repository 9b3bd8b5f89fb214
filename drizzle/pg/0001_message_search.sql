-- Full-text search over message bodies: PostgreSQL's counterpart of SQLite's FTS5 table
-- (drizzle/sqlite/0004_message_search.sql). A stored generated column holds each body's
-- tsvector, so every writer (send, edit, delete, copy, restore) keeps it right in the same
-- statement, with no trigger; a GIN index serves the matches. The column is not in
-- src/db/schema-pg.ts, so drizzle's selects never read it.
--
-- Words are found as FTS5's "porter unicode61 remove_diacritics 2" finds them: in any
-- form (English stemming, Snowball's successor of Porter's) and with accents folded
-- (unaccent), so "RUNS cafe" finds "running through the café". The text search
-- configuration is built for that: the `simple` parser and its mappings, each word
-- unaccented, then stemmed by an English Snowball dictionary made WITHOUT a stop-word
-- list (FTS5 keeps every word; PostgreSQL's `english` would drop "the", "not", ...).
-- unaccent is a trusted extension: a database owner may create it, managed services
-- included.
--
-- The body is prepared as on SQLite: U+E001 and U+E002 (the highlight markers of search
-- results) are removed so a body can never forge a highlight, and mention markup
-- ("<@123>", "<@room>") is left out of the index, so searching "room" or "123" does not
-- find every mention (SQLite hides the mention's token behind a private-use character;
-- PostgreSQL's parser, in a non-C locale, would split on it instead).
CREATE EXTENSION IF NOT EXISTS unaccent;--> statement-breakpoint
CREATE TEXT SEARCH DICTIONARY parley_english_stem (TEMPLATE = snowball, Language = english);--> statement-breakpoint
CREATE TEXT SEARCH CONFIGURATION parley_search (COPY = pg_catalog.simple);--> statement-breakpoint
ALTER TEXT SEARCH CONFIGURATION parley_search
  ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part, numword, numhword, hword_numpart
  WITH unaccent, parley_english_stem;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "search" tsvector GENERATED ALWAYS AS (
  to_tsvector('parley_search'::regconfig,
    regexp_replace(translate("body", chr(57345) || chr(57346), ''), '<@([0-9]{1,15}|room)>', ' ', 'g'))
) STORED;--> statement-breakpoint
CREATE INDEX "messages_search" ON "messages" USING gin ("search");
