// Uploaded files in `parley backup` and `parley restore`. A backup FILE of the database
// gets a folder beside it, FILE.files/, holding every stored object (original and
// thumbnail) that the copied database names: what the copy needs, nothing it does not.
// Objects never change once written (random keys, removed but never rewritten), so a
// hard link is a faithful copy when the folders share a disk, and costs no space.
// A bucket (S3_BUCKET) is not copied: its objects are the bucket's to keep (versioning,
// replication, the provider's backups), and the commands say so.
import { Database } from "bun:sqlite";
import { copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";

/** The folder of files that belongs to a database backup at `backupPath`. */
export const filesFolderOf = (backupPath: string) => `${backupPath}.files`;

/** The storage keys an (offline) database file refers to; none when it predates files. */
export function storedKeysIn(databasePath: string): string[] {
  const db = new Database(databasePath, { readonly: true });
  try {
    const table = db.query("select 1 from sqlite_master where type = 'table' and name = 'attachments'").get();
    if (!table) return [];
    return db
      .query<{ key: string }, []>(
        "select storage_key as key from attachments where state = 'ready' union select thumbnail_key from attachments where state = 'ready' and thumbnail_key is not null",
      )
      .all()
      .map((row) => row.key);
  } finally {
    db.close();
  }
}

function copyOrLink(from: string, to: string) {
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
}

/**
 * Copies the objects the backup's database names (`keys`: storedKeysIn a SQLite backup,
 * storedKeysInDump a PostgreSQL one) from `filesPath` into FILE.files/.
 * `missing` counts objects already gone (a message deleted since the snapshot).
 */
export function backupFiles(backupPath: string, filesPath: string, keys: string[]): { files: number; missing: number } {
  const target = filesFolderOf(backupPath);
  if (existsSync(target)) throw new Error(`${target} exists already; choose a new file name`);
  mkdirSync(target, { recursive: true, mode: 0o700 });
  let files = 0;
  let missing = 0;
  for (const key of keys) {
    const source = join(filesPath, key);
    if (!existsSync(source)) {
      missing++;
      continue;
    }
    copyOrLink(source, join(target, key));
    files++;
  }
  return { files, missing };
}

/**
 * Puts the backup's objects (`keys`, as for backupFiles) back into `filesPath` (those
 * already there are kept: an object's bytes never change under its key). `missing` counts
 * objects the restored database names that are in neither place: their downloads answer 404.
 */
export function restoreFiles(
  backupPath: string,
  filesPath: string,
  keys: string[],
): { files: number; missing: number } {
  const source = filesFolderOf(backupPath);
  mkdirSync(filesPath, { recursive: true });
  const have = new Set(existsSync(source) ? readdirSync(source) : []);
  let files = 0;
  let missing = 0;
  for (const key of keys) {
    const target = join(filesPath, key);
    if (existsSync(target)) continue;
    if (!have.has(key)) {
      missing++;
      continue;
    }
    const partial = `${target}.restoring`;
    copyOrLink(join(source, key), partial);
    // A rename, so that a running server never serves half a file.
    renameSync(partial, target);
    files++;
  }
  return { files, missing };
}

/** Removes a half-made backup's folder of files (the backup failed after it began). */
export function removeBackupFiles(backupPath: string) {
  rmSync(filesFolderOf(backupPath), { recursive: true, force: true });
}
