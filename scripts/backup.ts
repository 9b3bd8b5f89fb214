// bun run backup FILE — a consistent copy of DATABASE_PATH, safe while Parley runs.
import { loadConfig } from "../src/config.ts";
import { backupDatabase } from "../src/db/backup.ts";

const target = process.argv[2];
if (!target || target === "--help" || target === "-h") {
  console.error("usage: bun run backup FILE   (copies DATABASE_PATH consistently, even while Parley runs)");
  process.exit(target ? 0 : 2);
}
try {
  const config = loadConfig();
  backupDatabase(config.databasePath, target);
  console.log(`backed up ${config.databasePath} to ${target}`);
} catch (error) {
  console.error(`backup failed: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}
