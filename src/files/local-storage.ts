// Files in a folder on local disk (FILES_PATH, default data/files): the default, so that
// `bun start` needs nothing else. Served through the app, which checks membership.
import { existsSync, mkdirSync } from "node:fs";
import { copyFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import type { FileStorage } from "./storage.ts";

const SAFE_KEY = /^[A-Za-z0-9_-]+(\.[a-z]+)?$/;

export function createLocalStorage(folder: string): FileStorage {
  mkdirSync(folder, { recursive: true });
  const pathOf = (key: string) => {
    // Keys are made by the server; a key that could leave the folder is a bug, not input.
    if (!SAFE_KEY.test(key)) throw new Error(`unsafe storage key ${JSON.stringify(key)}`);
    return join(folder, key);
  };
  return {
    kind: "local",
    downloadOrigin: null,
    async put(key, sourcePath) {
      const target = pathOf(key);
      // Moved when on the same disk; else copied beside the target and renamed, so that a
      // reader never sees half a file.
      try {
        await rename(sourcePath, target);
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EXDEV") throw error;
      }
      const partial = `${target}.put`;
      try {
        await copyFile(sourcePath, partial);
        await rename(partial, target);
      } catch (error) {
        await rm(partial, { force: true });
        throw error;
      }
    },
    async read(key) {
      const path = pathOf(key);
      return existsSync(path) ? Bun.file(path).stream() : null;
    },
    async delete(key) {
      await rm(pathOf(key), { force: true });
    },
    signedUrl: () => null,
  };
}
