// People the client has met (conversation peers, search results, room senders), by id,
// with their presence kept current by `presence` frames.
import { createStore, produce } from "solid-js/store";
import { MAX_LOOKUP_IDS, type UserSummary } from "../../../src/shared/api.ts";
import type { Api } from "../api/client.ts";

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

  // The senders a conversation shows, looked up by id: deactivated people who share a
  // conversation come back too, so their old messages keep their names.
  const runLookup = async () => {
    const ids = [...wanted].slice(0, MAX_LOOKUP_IDS);
    const found = await api.trpc.users.byIds.query({ ids });
    remember(found);
    for (const id of ids) {
      wanted.delete(id);
      if (!found.some((person) => person.id === id)) missing.add(id);
    }
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
