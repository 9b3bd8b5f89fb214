-- Words are split where FTS5's unicode61 splits them: at every punctuation mark. PostgreSQL's
-- parser keeps an email address, a URL, a host, a path or a number like "1.5" as one word
-- (and, in a database made with the C locale, every non-ASCII character counts as a
-- letter: "hello—world" was one word), so searching "example" did not find
-- "bob@example.com", nor "bob@example.com" itself (the query is the phrase of its words,
-- as on SQLite). Each separator below becomes a space before the parser reads the body:
-- ASCII punctuation, Latin-1's punctuation and symbols, the General Punctuation block
-- (dashes, quotes, ellipsis, invisible spaces), currency signs, arrows, and the two
-- highlight markers U+E001 and U+E002 (so a body still cannot forge a highlight). One
-- character for one: the search's headline (src/chat/message-search-pg.ts) reads the
-- body through the same class (SEPARATORS there) and maps the
-- highlighted words back onto the body as written. Mention markup is left out first, as
-- before. PostgreSQL 15 cannot change a generated column's expression: the column and
-- its index are made anew.
DROP INDEX "messages_search";--> statement-breakpoint
ALTER TABLE "messages" DROP COLUMN "search";--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "search" tsvector GENERATED ALWAYS AS (
  to_tsvector('parley_search'::regconfig,
    regexp_replace(
      regexp_replace("body", '<@([0-9]{1,15}|room)>', ' ', 'g'),
      '[\u0021-\u002F\u003A-\u0040\u005B-\u0060\u007B-\u007E\u00A0-\u00A9\u00AB-\u00B1\u00B4\u00B6-\u00B8\u00BB\u00BF\u00D7\u00F7\u2000-\u206F\u20A0-\u20CF\u2190-\u21FF\uE001\uE002]',
      ' ', 'g'))
) STORED;--> statement-breakpoint
CREATE INDEX "messages_search" ON "messages" USING gin ("search");
