// Is the database taking writes? SQLite may keep answering reads while every write fails
// (files made read-only, a full disk, an I/O error): health must say so, sends must
// answer 503 with a retry hint rather than 500 "disk I/O error", and /metrics counts it.
import type { Database } from "bun:sqlite";
import type { Clock } from "../clock.ts";
import type { Metrics } from "../metrics/metrics.ts";

/** SQLite result codes that mean the storage, not the request, failed. */
const STORAGE_CODES = /^SQLITE_(IOERR|FULL|READONLY|CANTOPEN|CORRUPT|NOTADB|BUSY|LOCKED|PROTOCOL)/;

/** Was this error (or its cause) SQLite failing to store? */
export function isStorageFailure(error: unknown): boolean {
  for (let e = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && STORAGE_CODES.test(code)) return true;
  }
  return false;
}

/** Seconds a client should wait before retrying after a storage failure. */
export const STORAGE_RETRY_AFTER_SECONDS = 5;
/** A failure seen this recently keeps health at "failing", whatever the probe says. */
const RECENT_FAILURE_MS = 30_000;
/** The write probe runs at most this often, however often health is asked. */
const PROBE_EVERY_MS = 5_000;

export type WriteHealth = ReturnType<typeof createWriteHealth>;

/**
 * `sqlite` null: PostgreSQL, which has no probe here; a server that stops taking writes
 * fails the statements themselves, and health's ping shows a server that is away.
 */
export function createWriteHealth(sqlite: Database | null, clock: Clock, metrics: Metrics) {
  let lastFailureAt = Number.NEGATIVE_INFINITY;
  let probe: { at: number; ok: boolean } | null = null;

  // A committed write (page 1 rewritten with the same user_version): it reaches the WAL,
  // so an unwritable or failing file shows, and costs one page.
  const probeWrite = () => {
    if (sqlite === null) return true;
    try {
      const { user_version } = sqlite.query<{ user_version: number }, []>("pragma user_version").get() ?? {
        user_version: 0,
      };
      sqlite.exec(`pragma user_version = ${Number(user_version)}`);
      return true;
    } catch {
      return false;
    }
  };

  return {
    /** Records a storage failure seen on a request. */
    failed() {
      lastFailureAt = clock.now();
      metrics.storageFailures.inc();
    },
    /** "ok", or "failing" when a write failed lately or the probe fails now. */
    state(): "ok" | "failing" {
      const now = clock.now();
      if (!probe || now - probe.at >= PROBE_EVERY_MS) {
        probe = { at: now, ok: probeWrite() };
        if (!probe.ok) metrics.storageFailures.inc();
      }
      return probe.ok && now - lastFailureAt >= RECENT_FAILURE_MS ? "ok" : "failing";
    },
  };
}
