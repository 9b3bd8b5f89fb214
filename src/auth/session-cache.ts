// Live sessions remembered for a moment. Reading the session and user rows was the largest
// cost of an authenticated request (docs/BENCHMARKS.md), and a client sends the same
// token with every request. Revocation stays immediate on every instance: what ends a
// session or changes its user is announced on the bus, and the announcement evicts the
// entry here. When the bus cannot vouch for that (Redis unreachable), nothing is served
// from memory. See docs/DECISIONS.md, "Session cache".
import type { UserRow } from "../db/schema.ts";
import type { Bus, BusEvent } from "../realtime/bus.ts";

/**
 * How long an entry may be served. Events carry revocations; this bounds what no event
 * reaches: an instance cut off from Redis while this one still hears it (its revocations
 * are lost to us until it is back), and columns changed without an announcement
 * (`lastSeenAt`; admin rights are read from the row where they matter).
 */
export const SESSION_CACHE_TTL_MS = 2_000;
const SESSIONS_KEPT = 10_000;

/** What the session lookup reads: the user's row and the session's own times. */
export type SessionRow = { user: UserRow; expiresAt: number; lastActiveAt: number | null };

type Entry = { row: SessionRow; storedAt: number };

export type SessionCache = {
  /**
   * The session's row from memory, or from `load` (remembered unless an eviction ran
   * while it loaded: the row read may predate that revocation).
   */
  lookup(sessionId: string, now: number, load: () => Promise<SessionRow | undefined>): Promise<SessionRow | undefined>;
};

export function createSessionCache(bus: Bus): SessionCache {
  const entries = new Map<string, Entry>();
  // Bumped by every eviction: a load that began before one must not store its row.
  let epoch = 0;

  const forget = (matches: (sessionId: string, entry: Entry) => boolean) => {
    epoch++;
    for (const [sessionId, entry] of entries) if (matches(sessionId, entry)) entries.delete(sessionId);
  };
  const forgetAll = () => {
    epoch++;
    entries.clear();
  };

  bus.onEvent((event: BusEvent) => {
    switch (event.type) {
      // Logout, logout elsewhere, password change or reset, deactivation.
      case "disconnect": {
        const { userId, sessionId } = event;
        if (sessionId !== undefined) forget((id) => id === sessionId);
        else forget((_, entry) => entry.row.user.id === userId);
        return;
      }
      // A profile or avatar change: the user's own row is what users.me answers with.
      case "frame":
        if (event.frame.type === "user") {
          const userId = event.frame.user.id;
          forget((_, entry) => entry.row.user.id === userId);
        }
        return;
      // Events may have been lost while Redis was away.
      case "resync":
        forgetAll();
        return;
    }
  });

  return {
    async lookup(sessionId, now, load) {
      if (bus.state() === "degraded") {
        // Revocations published meanwhile do not reach this instance: read every time,
        // and start empty when the bus is back.
        if (entries.size > 0) forgetAll();
        return load();
      }
      const entry = entries.get(sessionId);
      if (entry && now - entry.storedAt < SESSION_CACHE_TTL_MS) return entry.row;
      const loadedAt = epoch;
      const row = await load();
      entries.delete(sessionId);
      if (row && epoch === loadedAt && bus.state() !== "degraded") {
        if (entries.size >= SESSIONS_KEPT) entries.delete(entries.keys().next().value as string);
        entries.set(sessionId, { row, storedAt: now });
      }
      return row;
    },
  };
}
