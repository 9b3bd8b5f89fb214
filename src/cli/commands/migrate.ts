// `parley migrate`: applies the migrations and exits (once, before starting several
// instances on one database file).
import { type Command, CommandError, commandConfig, errorMessage } from "../command.ts";

export const migrate: Command = {
  name: "migrate",
  summary: "Apply the database migrations to DATABASE_URL or DATABASE_PATH and exit.",
  help: `
serve migrates at start-up too; run this once before starting several instances on one
file, so that they do not race. Running it again changes nothing.`,
  readsConfig: true,
  async run({ flags }) {
    const config = commandConfig(flags);
    const { databaseLabel, openConfiguredDatabase } = await import("../../db/open.ts");
    try {
      await (await openConfiguredDatabase(config)).close();
    } catch (error) {
      throw new CommandError(`Migrating ${databaseLabel(config)} failed: ${errorMessage(error)}`);
    }
    console.log(`migrated ${databaseLabel(config)}`);
    return 0;
  },
};
