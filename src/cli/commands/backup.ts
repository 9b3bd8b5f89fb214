// `parley backup FILE` and `parley restore FILE`: a consistent copy of the database, safe
// while Parley runs, and an in-place restore that running instances see at once. Uploaded
// files on local disk go with it, in FILE.files/ (src/files/backup.ts); a bucket's are
// the bucket's own to keep. With DATABASE_URL the database is PostgreSQL's, copied with
// pg_dump and put back with pg_restore (src/db/backup-pg.ts); the contract is the same.
import type { Config } from "../../config.ts";
import { type Command, CommandError, commandConfig, errorMessage } from "../command.ts";

/** Copies the configured database to `target`; the storage keys the copy names. */
async function backupConfiguredDatabase(config: Config, target: string): Promise<string[]> {
  if (config.databaseUrl) {
    const { backupPostgres, storedKeysInDump } = await import("../../db/backup-pg.ts");
    await backupPostgres(config.databaseUrl, target);
    return storedKeysInDump(target);
  }
  const { backupDatabase } = await import("../../db/backup.ts");
  const { storedKeysIn } = await import("../../files/backup.ts");
  backupDatabase(config.databasePath, target);
  return storedKeysIn(target);
}

/** The storage keys the backup `source` names, after checking it is a backup of the configured kind. */
async function keysOfBackup(config: Config, source: string): Promise<string[]> {
  if (config.databaseUrl) {
    const { storedKeysInDump, verifyPostgresDump } = await import("../../db/backup-pg.ts");
    await verifyPostgresDump(source);
    return storedKeysInDump(source);
  }
  const { storedKeysIn } = await import("../../files/backup.ts");
  return storedKeysIn(source);
}

async function restoreConfiguredDatabase(config: Config, source: string): Promise<{ tables: number; rows: number }> {
  if (config.databaseUrl) {
    const { restorePostgres } = await import("../../db/backup-pg.ts");
    return restorePostgres(config.databaseUrl, source);
  }
  const { restoreDatabase } = await import("../../db/backup.ts");
  return restoreDatabase(config.databasePath, source);
}

export const backup: Command = {
  name: "backup",
  args: "FILE",
  summary: "Copy the database to FILE, and the uploaded files to FILE.files/, even while Parley runs.",
  help: `
Copies DATABASE_PATH, or with DATABASE_URL the PostgreSQL database (pg_dump's custom
format; pg_dump must be of the server's major version or later).
FILE must not exist (a backup never overwrites). The copy is checked for integrity.
Uploaded files (FILES_PATH) that the copy refers to go into the folder FILE.files/
(hard links when on the same disk). With S3_BUCKET set, files stay in the bucket:
back it up with the bucket's own means (versioning, replication).`,
  readsConfig: true,
  positionals: { min: 1, max: 1 },
  async run({ flags, positionals: [target = ""] }) {
    const config = commandConfig(flags);
    const { databaseLabel } = await import("../../db/open.ts");
    const { backupFiles, filesFolderOf, removeBackupFiles } = await import("../../files/backup.ts");
    let keys: string[];
    try {
      keys = await backupConfiguredDatabase(config, target);
    } catch (error) {
      throw new CommandError(`backup failed: ${errorMessage(error)}`);
    }
    console.log(`backed up ${databaseLabel(config)} to ${target}`);
    const storage = config.fileStorage;
    if (storage.kind === "s3") {
      console.log(`uploaded files are in the bucket ${storage.bucket}, not in this backup: back the bucket up itself`);
      return 0;
    }
    try {
      const { files, missing } = backupFiles(target, storage.path, keys);
      const gone = missing ? ` (${missing} deleted since the copy was taken)` : "";
      console.log(`backed up ${files} uploaded files from ${storage.path} to ${filesFolderOf(target)}${gone}`);
    } catch (error) {
      removeBackupFiles(target);
      throw new CommandError(
        `backup of the uploaded files failed: ${errorMessage(error)} (the database copy ${target} is complete)`,
      );
    }
    return 0;
  },
};

export const restore: Command = {
  name: "restore",
  args: "FILE",
  summary: "Replace the database's content with the backup FILE's, and put back its uploaded files.",
  help: `
Upgrades a copy of the backup to the current schema, then replaces every table's rows
in one transaction: running instances see the old data or the new, never a mix, and
their clients resume. With DATABASE_URL, FILE is a PostgreSQL backup (pg_restore
replaces the tables in one transaction, then the migrations it lacks are applied). Take a backup first if you may want today's data back.
The uploaded files in FILE.files/ are copied into FILES_PATH (those already there are
kept; files of later messages stay on disk). With S3_BUCKET set, the files are the
bucket's: restore the bucket with its own means.`,
  readsConfig: true,
  positionals: { min: 1, max: 1 },
  async run({ flags, positionals: [source = ""] }) {
    const config = commandConfig(flags);
    const { databaseLabel } = await import("../../db/open.ts");
    const { filesFolderOf, restoreFiles } = await import("../../files/backup.ts");
    const storage = config.fileStorage;
    try {
      // Files first: once the rows are back, a reader may ask for them at once.
      if (storage.kind === "local") {
        const { files, missing } = restoreFiles(source, storage.path, await keysOfBackup(config, source));
        console.log(`restored ${files} uploaded files from ${filesFolderOf(source)} into ${storage.path}`);
        if (missing) {
          console.error(
            `warning: ${missing} uploaded files the backup refers to are in neither ${filesFolderOf(source)} nor ${storage.path}; their downloads will answer 404`,
          );
        }
      }
      const { tables, rows } = await restoreConfiguredDatabase(config, source);
      console.log(`restored ${rows} rows in ${tables} tables from ${source} into ${databaseLabel(config)}`);
    } catch (error) {
      throw new CommandError(`restore failed: ${errorMessage(error)}`);
    }
    if (storage.kind === "s3")
      console.log(`uploaded files are in the bucket ${storage.bucket}: restore it, if needed, with its own means`);
    return 0;
  },
};
