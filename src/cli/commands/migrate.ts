// `parley migrate`: applies the migrations and exits (once, before starting several
// instances on one database file).
import { type Command, CommandError, commandConfig, errorMessage } from "../command.ts";

export const migrate: Command = {
  name: "migrate",
  summary: "Apply the database migrations to DATABASE_PATH and exit.",
  help: `
serve migrates at start-up too; run this once before starting several instances on one
file, so that they do not race. Running it again changes nothing.`,
  readsConfig: true,
  async run({ flags }) {
    const config = commandConfig(flags);
    const { openDatabase } = await import("../../db/client.ts");
    try {
      openDatabase(config.databasePath).close();
    } catch (error) {
      throw new CommandError(`Migrating ${config.databasePath} failed: ${errorMessage(error)}`);
    }
    console.log(`migrated ${config.databasePath}`);
    return 0;
  },
};
