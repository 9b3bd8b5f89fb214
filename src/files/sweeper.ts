// Removes what uploads leave behind: an upload still "uploading" an hour after it began
// (its process crashed, or the connection hung), an upload never sent with a message
// within a day, and partial files nobody is writing. Runs at start-up and every hour on
// every instance; each removal is idempotent, so instances sweeping together do no harm.
import { readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { and, eq, isNull, lt, or } from "drizzle-orm";
import { tablesOf } from "../db/tables.ts";
import type { Deps } from "../deps.ts";
import { discardAttachments } from "./uploads.ts";

/** An upload taking longer than this is abandoned (25 MB at 7 KB/s). */
export const UPLOADING_GRACE_MS = 60 * 60 * 1000;
/** An upload not sent with a message within this is removed. */
export const UNSENT_GRACE_MS = 24 * 60 * 60 * 1000;
const SWEEP_INTERVAL_MS = 60 * 60 * 1000;

export async function sweepUploads(deps: Deps): Promise<{ uploads: number; partialFiles: number }> {
  const { attachments } = tablesOf(deps.db);
  const now = deps.clock.now();
  const abandoned = await deps.db
    .select()
    .from(attachments)
    .where(
      or(
        and(eq(attachments.state, "uploading"), lt(attachments.createdAt, now - UPLOADING_GRACE_MS)),
        and(isNull(attachments.messageId), lt(attachments.createdAt, now - UNSENT_GRACE_MS)),
      ),
    );
  await discardAttachments(deps, abandoned);

  // A partial file is live while its row is "uploading" and young; anything else is left
  // over (the crash came before the row's removal, or after it).
  const live = new Set(
    (
      await deps.db.select({ key: attachments.storageKey }).from(attachments).where(eq(attachments.state, "uploading"))
    ).map((row) => row.key),
  );
  let partialFiles = 0;
  const folder = deps.config.partialUploadsPath;
  for (const name of safeList(folder)) {
    const key = name.split(".")[0] ?? name;
    const path = join(folder, name);
    const modified = statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? 0;
    const stale = now - modified > UPLOADING_GRACE_MS;
    if (!live.has(key) || stale) {
      rmSync(path, { force: true });
      partialFiles++;
    }
  }
  if (abandoned.length || partialFiles) {
    deps.logger.info({ uploads: abandoned.length, partialFiles }, "swept abandoned uploads");
  }
  return { uploads: abandoned.length, partialFiles };
}

function safeList(folder: string): string[] {
  try {
    return readdirSync(folder);
  } catch {
    return [];
  }
}

/**
 * Sweeps now and then every hour. The returned function stops it and resolves once a sweep
 * in progress has ended, so that the database closes after it (on PostgreSQL a sweep that
 * outlived the pool failed with "Connection closed" at every shutdown).
 */
export function startUploadSweeper(deps: Deps): () => Promise<void> {
  let running: Promise<void> = Promise.resolve();
  const run = () => {
    running = sweepUploads(deps).then(
      () => {},
      (error) => deps.logger.error({ err: error }, "sweeping uploads failed"),
    );
  };
  run();
  const timer = setInterval(run, SWEEP_INTERVAL_MS);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
