// People the client has met (conversation peers, search results, room senders), by id,
// with their presence kept current by `presence` frames.
import { createStore, produce } from "solid-js/store";
import type { UserSummary } from "../../../src/shared/api.ts";
import type { Api } from "../api/client.ts";

/** Pages of users.list fetched at most to find the names of unknown room members. */
const MAX_LOOKUP_PAGES = 10;

export function createPeopleStore(api: Api) {
  const [byId, setById] = createStore<Record<number, UserSummary>>({});
  const missing = new Set<number>();
  let lookup: Promise<void> | null = null;
  const wanted = new Set<number>();

  const remember = (people: readonly UserSummary[]) => {
    if (people.length === 0) return;
    setById(
      produce((all) => {
        for (const person of people) all[person.id] = { ...person };
      }),
    );
  };

  // The contract has no "user by id": page through users.list until the ids are found.
  const runLookup = async () => {
    let cursor: number | undefined;
    for (let page = 0; page < MAX_LOOKUP_PAGES && wanted.size > 0; page += 1) {
      const result = await api.trpc.users.list.query({ limit: 100, ...(cursor ? { cursor } : {}) });
      remember(result.items);
      for (const person of result.items) wanted.delete(person.id);
      if (result.nextCursor === null) break;
      cursor = result.nextCursor;
    }
    for (const id of wanted) missing.add(id);
    wanted.clear();
  };

  return {
    byId,
    get: (id: number): UserSummary | undefined => byId[id],
    remember,

    /** Makes sure the given people are known (for names in rooms). */
    ensure(ids: readonly number[]) {
      const unknown = ids.filter((id) => !(id in byId) && !missing.has(id) && !wanted.has(id));
      if (unknown.length === 0) return;
      for (const id of unknown) wanted.add(id);
      if (lookup) return;
      lookup = (async () => {
        try {
          // Let a burst of messages collect their ids first.
          await Promise.resolve();
          while (wanted.size > 0) await runLookup();
        } catch {
          wanted.clear();
        } finally {
          lookup = null;
        }
      })();
    },

    setOnline(userId: number, online: boolean) {
      if (userId in byId) {
        setById(userId, { online, ...(online ? {} : { lastSeenAt: new Date().toISOString() }) });
      }
    },
  };
}

export function displayName(person: Pick<UserSummary, "firstName" | "lastName" | "username">): string {
  const name = `${person.firstName} ${person.lastName}`.trim();
  return name || person.username;
}
