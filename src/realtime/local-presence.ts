// Presence in this process alone: a user is online while they have a socket here.
import type { Presence } from "./presence.ts";

export function createLocalPresence(): Presence {
  const here = new Set<number>();
  return {
    online: async (userIds) => new Set(userIds.filter((id) => here.has(id))),
    async connected(userId) {
      const was = here.has(userId);
      here.add(userId);
      return !was;
    },
    disconnected: async (userId) => here.delete(userId),
    onChange() {},
    async heartbeat() {},
    state: () => "local",
    async close() {
      here.clear();
    },
  };
}
