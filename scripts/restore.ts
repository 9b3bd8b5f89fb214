// bun run restore FILE — replaces DATABASE_PATH's content with a backup's, in one
// transaction. Running instances see the restored data at once; their sockets resume.
import { loadConfig } from "../src/config.ts";
import { restoreDatabase } from "../src/db/backup.ts";

const source = process.argv[2];
if (!source || source === "--help" || source === "-h") {
  console.error("usage: bun run restore FILE   (replaces DATABASE_PATH's content with the backup's)");
  process.exit(source ? 0 : 2);
}
try {
  const config = loadConfig();
  const { tables, rows } = restoreDatabase(config.databasePath, source);
  console.log(`restored ${rows} rows in ${tables} tables from ${source} into ${config.databasePath}`);
} catch (error) {
  console.error(`restore failed: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}
