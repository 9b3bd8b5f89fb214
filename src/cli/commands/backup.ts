// `parley backup FILE` and `parley restore FILE`: a consistent copy of the database, safe
// while Parley runs, and an in-place restore that running instances see at once.
import { type Command, CommandError, commandConfig, errorMessage } from "../command.ts";

export const backup: Command = {
  name: "backup",
  args: "FILE",
  summary: "Copy DATABASE_PATH to FILE consistently, even while Parley runs.",
  help: `
FILE must not exist (a backup never overwrites). The copy is checked for integrity.`,
  readsConfig: true,
  positionals: { min: 1, max: 1 },
  async run({ flags, positionals: [target = ""] }) {
    const config = commandConfig(flags);
    const { backupDatabase } = await import("../../db/backup.ts");
    try {
      backupDatabase(config.databasePath, target);
    } catch (error) {
      throw new CommandError(`backup failed: ${errorMessage(error)}`);
    }
    console.log(`backed up ${config.databasePath} to ${target}`);
    return 0;
  },
};

export const restore: Command = {
  name: "restore",
  args: "FILE",
  summary: "Replace DATABASE_PATH's content with the backup FILE's.",
  help: `
Upgrades a copy of the backup to the current schema, then replaces every table's rows
in one transaction: running instances see the old data or the new, never a mix, and
their clients resume. Take a backup first if you may want today's data back.`,
  readsConfig: true,
  positionals: { min: 1, max: 1 },
  async run({ flags, positionals: [source = ""] }) {
    const config = commandConfig(flags);
    const { restoreDatabase } = await import("../../db/backup.ts");
    try {
      const { tables, rows } = restoreDatabase(config.databasePath, source);
      console.log(`restored ${rows} rows in ${tables} tables from ${source} into ${config.databasePath}`);
    } catch (error) {
      throw new CommandError(`restore failed: ${errorMessage(error)}`);
    }
    return 0;
  },
};
