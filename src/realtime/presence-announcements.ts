// Presence as peers see it: when a user's first socket on this instance opens or their
// last one closes, ask presence whether they came online or went offline everywhere,
// record `last_seen_at`, and tell the users who share a conversation with them. Also
// announces the changes no local socket caused (another instance crashed, Redis came back).
import { conversationPeers } from "../chat/conversations.ts";
import { recordLastSeen } from "../chat/directory.ts";
import type { Deps } from "../deps.ts";
import { userTopic } from "./bus.ts";

export type PresenceAnnouncements = ReturnType<typeof createPresenceAnnouncements>;

/** `connectedHere`: has the user a socket open on this instance right now (the hub knows). */
export function createPresenceAnnouncements(
  deps: Pick<Deps, "db" | "bus" | "presence" | "clock" | "logger">,
  connectedHere: (userId: number) => boolean,
) {
  const { db, bus, presence, clock, logger } = deps;
  /** Presence updates and announcements in flight, awaited on shutdown. */
  const pending = new Set<Promise<unknown>>();

  const track = (work: Promise<unknown>) => {
    const settled = work.catch((error: unknown) => logger.error({ err: error }, "realtime task failed"));
    pending.add(settled);
    void settled.finally(() => pending.delete(settled));
  };

  /** Tell the user's peers (those sharing a conversation, at this moment) that they came or went. */
  async function announce(userId: number, online: boolean) {
    const peers = await conversationPeers(db, userId);
    if (peers.length === 0) return;
    bus.publish({ type: "frame", topic: peers.map(userTopic), frame: { type: "presence", userId, online } });
  }

  presence.onChange((userId, online) => {
    track(
      (async () => {
        await announce(userId, online);
        if (!online) await recordLastSeen(db, userId, clock.now());
      })(),
    );
  });

  return {
    /** The user's first socket on this instance opened. */
    arrived(userId: number) {
      // Presence is told first and at once, so that its connected and disconnected calls
      // keep the order of the sockets' opens and closes.
      track(
        presence.connected(userId).then(async (cameOnline) => {
          if (cameOnline) await announce(userId, true);
        }),
      );
      track(recordLastSeen(db, userId, clock.now()));
    },

    /** The user's last socket on this instance closed. */
    left(userId: number) {
      track(
        presence.disconnected(userId).then(async (wentOffline) => {
          // Reconnected meanwhile (another tab, a quick reload): not offline after all.
          if (wentOffline && !connectedHere(userId)) await announce(userId, false);
        }),
      );
      track(recordLastSeen(db, userId, clock.now()));
    },

    /** Resolves when presence updates and announcements in flight are done. */
    async settled() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}
