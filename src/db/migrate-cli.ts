// Applies the migrations in drizzle/ to DATABASE_PATH and exits (run once before
// starting several instances on one file).
import { loadConfig } from "../config.ts";
import { openDatabase } from "./client.ts";

const config = loadConfig();
const handle = openDatabase(config.databasePath);
handle.close();
console.log(`migrated ${config.databasePath}`);
