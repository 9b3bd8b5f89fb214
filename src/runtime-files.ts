// Where Parley finds the files it reads at run time: the built web client and the
// migrations. In the repository they are beside src/; in the executable built by
// `bun run release` they are embedded (Bun.build's compile.assets) and read from Bun's
// in-memory file system, where every module's import.meta.dir is /$bunfs/root and each
// embedded folder sits under it by its last name (web/dist as dist, drizzle as drizzle).
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

const INSIDE_EXECUTABLE = Bun.isStandaloneExecutable;
const REPOSITORY = join(import.meta.dir, "..");

/** The folders scripts/release.ts embeds, as paths in the repository. */
export const EMBEDDED_FOLDERS = ["web/dist", "drizzle"] as const;

function runtimeFolder(path: (typeof EMBEDDED_FOLDERS)[number]): string {
  return INSIDE_EXECUTABLE ? join(import.meta.dir, path.split("/").at(-1) ?? path) : join(REPOSITORY, path);
}

export const WEB_DIST_DIR = runtimeFolder("web/dist");
// drizzle/ holds one folder of migrations per dialect, each with drizzle-kit's journal.
/** SQLite's migrations (src/db/schema.ts). */
export const MIGRATIONS_DIR = join(runtimeFolder("drizzle"), "sqlite");
/** PostgreSQL's migrations (src/db/schema-pg.ts). */
export const PG_MIGRATIONS_DIR = join(runtimeFolder("drizzle"), "pg");

/** The API docs reader's bundle, a development dependency that scripts/release.ts embeds. */
export const API_READER_BUNDLE = "@scalar/api-reference/dist/browser/standalone.js";

/** The reader's bundle: inside the executable, or in node_modules; null when absent. */
export function apiReaderScript(): string | null {
  if (INSIDE_EXECUTABLE) {
    const embedded = join(import.meta.dir, "standalone.js");
    return existsSync(embedded) ? embedded : null;
  }
  try {
    const manifest = Bun.resolveSync("@scalar/api-reference/package.json", import.meta.dir);
    return join(dirname(manifest), "dist/browser/standalone.js");
  } catch {
    return null;
  }
}
