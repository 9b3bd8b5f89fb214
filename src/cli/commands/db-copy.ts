// `parley db copy --from FILE --to URL`: the move from SQLite to PostgreSQL (src/db/copy.ts),
// safe while Parley runs on FILE, and repeatable: a later run copies what changed since.
import { type Command, CommandError, errorMessage, UsageError } from "../command.ts";

export const dbCopy: Command = {
  name: "db copy",
  summary: "Copy a SQLite database (--from FILE) into PostgreSQL (--to URL) and verify the copy.",
  help: `
Reads FILE on one snapshot, even while Parley runs on it, and writes every table into the
PostgreSQL database at URL (its migrations are applied first) in one transaction: a copy
that fails or is refused leaves URL as it was. Then compares both sides, table by table:
the row count and a SHA-256 over every row. A second run writes only what changed in FILE
since the first (new rows, changed rows, deleted rows), so run it once while Parley runs,
then again after stopping it, before starting Parley on PostgreSQL.
Refused: a URL holding another installation's data, or rows FILE never had (a Parley
already running on it). Uploaded files are not in the database: move FILES_PATH (or keep
the bucket) as they are.

  --from FILE     the SQLite database (DATABASE_PATH)
  --to URL        postgres://user:password@host:port/database`,
  options: { from: { type: "string" }, to: { type: "string" } },
  async run({ flags }) {
    const from = typeof flags.from === "string" ? flags.from : "";
    const to = typeof flags.to === "string" ? flags.to : "";
    if (!from) throw new UsageError("missing --from FILE");
    if (!to) throw new UsageError("missing --to URL");
    if (!/^postgres(ql)?:\/\//.test(to)) throw new UsageError("--to must be a postgres:// URL");
    const { copySqliteToPostgres } = await import("../../db/copy.ts");
    const shown = withoutPassword(to);
    try {
      const tables = await copySqliteToPostgres(from, to, (line) => console.log(line));
      const rows = tables.reduce((n, t) => n + t.rows, 0);
      console.log(`copied ${from} to ${shown}: ${tables.length} tables, ${rows} rows, counts and checksums equal`);
    } catch (error) {
      throw new CommandError(`db copy failed: ${errorMessage(error)}`);
    }
    return 0;
  },
};

/** The URL as printed: its password is the operator's, not the terminal's or the log's. */
function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "the target";
  }
}
