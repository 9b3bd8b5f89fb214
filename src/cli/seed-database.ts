// What `parley seed` puts in a development database: people, rooms and conversations,
// through the real domain code. Running it again adds nothing: users and rooms are looked
// up by name, and every message carries a clientId, so a second send returns the first.
import { count } from "drizzle-orm";
import { findUserByUsername, signup } from "../auth/accounts.ts";
import { sendMessage } from "../chat/messages.ts";
import { createRoom, joinRoom, listRooms } from "../chat/rooms.ts";
import type { Config } from "../config.ts";
import { tablesOf } from "../db/tables.ts";
import { buildDeps } from "../server.ts";
import { AppError } from "../shared/errors.ts";

export const SEED_PASSWORD = "password123";

const PEOPLE = [
  { username: "alice", firstName: "Alice", lastName: "Liddell" },
  { username: "bob", firstName: "Bob", lastName: "Builder" },
  { username: "carol", firstName: "Carol", lastName: "Danvers" },
  { username: "dave", firstName: "Dave", lastName: "Bowman" },
  { username: "erin", firstName: "Erin", lastName: "Brockovich" },
] as const;
type Person = (typeof PEOPLE)[number]["username"];

const ROOMS: { name: string; owner: Person; members: Person[] }[] = [
  { name: "general", owner: "alice", members: ["bob", "carol", "dave", "erin"] },
  { name: "random", owner: "bob", members: ["alice", "erin"] },
  { name: "book-club", owner: "carol", members: ["alice", "dave"] },
];

// [sender, recipient (a person) or room, body]. The index makes the clientId.
const MESSAGES: [Person, { user: Person } | { room: string }, string][] = [
  ["alice", { room: "general" }, "Welcome to Parley, everyone!"],
  ["bob", { room: "general" }, "Hi all 👋"],
  ["carol", { room: "general" }, "Glad to be here. Book club meets on Thursday."],
  ["erin", { room: "random" }, "Has anyone seen a good film lately?"],
  ["bob", { room: "random" }, "2001: A Space Odyssey, again. Dave would approve."],
  ["carol", { room: "book-club" }, "This month: *The Left Hand of Darkness*."],
  ["dave", { room: "book-club" }, "Halfway through already."],
  ["alice", { user: "bob" }, "Are we still on for lunch tomorrow?"],
  ["bob", { user: "alice" }, "Yes, 12:30 at the usual place."],
  ["alice", { user: "bob" }, "Perfect, see you then."],
  ["carol", { user: "alice" }, "Could you review my slides before Friday?"],
  ["dave", { user: "erin" }, "Open the pod bay doors, please."],
  ["erin", { user: "dave" }, "I'm sorry, Dave. I'm afraid I can't do that.\n(Couldn't resist.)"],
];

export type SeedReport = { users: number; rooms: number; messages: number };

/** Seeds the database of `config`; returns how many of each were new. */
export async function seedDatabase(config: Config): Promise<SeedReport> {
  // The real domain code, with no rate limit and the in-process bus: seeding talks to no
  // Redis and no running instance.
  const deps = await buildDeps({ ...config, sendRate: 0, redisUrl: undefined });
  const counts = { users: 0, rooms: 0, messages: 0 };
  try {
    const ids = new Map<Person, number>();
    for (const person of PEOPLE) {
      let user = await findUserByUsername(deps, person.username);
      if (!user) {
        user = await signup(
          deps,
          { ...person, email: `${person.username}@example.com`, password: SEED_PASSWORD },
          null,
        );
        counts.users += 1;
      }
      ids.set(person.username, user.id);
    }
    const idOf = (person: Person) => ids.get(person) ?? 0;

    const roomIds = new Map<string, number>();
    for (const room of ROOMS) {
      let id = (await listRooms(deps, idOf(room.owner), { search: room.name })).items.find(
        (r) => r.name === room.name,
      )?.id;
      if (id === undefined) {
        try {
          id = (await createRoom(deps, idOf(room.owner), room.name)).id;
          counts.rooms += 1;
        } catch (error) {
          if (!(error instanceof AppError && error.code === "CONFLICT")) throw error;
          throw new Error(`a room named like "${room.name}" exists with another spelling; rename it first`);
        }
      }
      roomIds.set(room.name, id);
      for (const member of room.members) await joinRoom(deps, idOf(member), id);
    }

    const { messages } = tablesOf(deps.db);
    const countMessages = async () => (await deps.db.select({ n: count() }).from(messages))[0]?.n ?? 0;
    const before = await countMessages();
    for (const [index, [sender, to, body]] of MESSAGES.entries()) {
      const target = "user" in to ? { userId: idOf(to.user) } : { conversationId: roomIds.get(to.room) ?? 0 };
      await sendMessage(deps, idOf(sender), { to: target, body, clientId: `seed-${index + 1}` });
    }
    const after = await countMessages();
    counts.messages = after - before;
  } finally {
    await deps.presence.close();
    await deps.bus.close();
    await deps.sendLimiter.close();
    await deps.database.close();
  }
  return counts;
}

export const SEEDED = {
  people: PEOPLE.map((p) => p.username),
  rooms: ROOMS.map((r) => r.name),
  messages: MESSAGES.length,
};
