// history.conversations costs the same number of SQL statements and one presence lookup,
// whether the caller has three conversations or sixty (no N+1).

import { afterAll, beforeAll, expect, test } from "bun:test";
import { sendMessage } from "../../src/chat/messages.ts";
import { sqliteOf } from "../../src/db/client.ts";
import type { Presence } from "../../src/realtime/presence.ts";
import { signUp, type TestUser } from "../helpers/client.ts";
import { recordQueries } from "../helpers/query-log.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

let made = 0;
/** Accounts straight in the database: these tests need many, not their passwords. */
function makeUsers(count: number): number[] {
  const insert = sqliteOf(server.deps.database).query<{ id: number }, [string, string]>(
    "insert into users (username, email, first_name, last_name, password_hash, created_at) values (?, ?, 'Peer', 'Person', 'x', 0) returning id",
  );
  return Array.from({ length: count }, () => {
    made += 1;
    return insert.get(`peer${made}`, `peer${made}@example.com`)?.id ?? 0;
  });
}

/** Gives `user` n direct conversations, each peer having sent `i % 3` unread messages. */
async function converse(user: TestUser, n: number) {
  const peers = makeUsers(n);
  for (const [i, peer] of peers.entries()) {
    await sendMessage(server.deps, user.user.id, { to: { userId: peer }, body: `hello ${peer}` });
    for (let k = 0; k < i % 3; k++)
      await sendMessage(server.deps, peer, { to: { userId: user.user.id }, body: `${k}` });
  }
  return peers;
}

/** Runs `call` while counting SQL statements executed and presence lookups made. */
async function measure<T>(call: () => Promise<T>) {
  const presence = server.deps.presence;
  let lookups = 0;
  server.deps.presence = Object.assign(Object.create(presence), {
    online: (ids: readonly number[]) => {
      lookups += 1;
      return presence.online(ids);
    },
  }) as Presence;
  try {
    const { result, queries } = await recordQueries(server.deps.db, call);
    // A session's "last active" time is written at most once a minute, whichever request
    // comes then: it is the session's cost, not the list's.
    const listed = queries.filter((q) => !q.sql.startsWith('update "sessions" set "last_active_at"'));
    return { result, statements: listed.length, lookups };
  } finally {
    server.deps.presence = presence;
  }
}

test("the conversation list takes as many queries for 60 conversations as for 3", async () => {
  const few = await signUp(server.url);
  const many = await signUp(server.url);
  await converse(few, 3);
  const peers = await converse(many, 60);
  const room = await many.trpc.rooms.create.mutate({ name: "Also listed" });

  // Each session's first request notes its last activity (a write at most once a minute):
  // make it before measuring, so that both measure the list alone.
  await few.trpc.history.conversations.query();
  const small = await measure(() => few.trpc.history.conversations.query());
  await many.trpc.history.conversations.query();
  const large = await measure(() => many.trpc.history.conversations.query());
  expect(small.result).toHaveLength(3);
  expect(large.result).toHaveLength(61);
  expect(small.statements).toBeGreaterThan(0);
  expect(large.statements).toBe(small.statements);
  // The session check, the list, and the last messages' reactions and mentions (one each).
  expect(large.statements).toBeLessThanOrEqual(4);
  expect([small.lookups, large.lookups]).toEqual([1, 1]);

  // And the answer is right for each of them.
  const byPeer = new Map(large.result.map((c) => [c.peer?.id, c]));
  for (const [i, peer] of peers.entries()) {
    const view = byPeer.get(peer);
    expect(view?.unread).toBe(i % 3);
    expect(view?.lastMessage?.body).toBe(i % 3 === 0 ? `hello ${peer}` : `${(i % 3) - 1}`);
  }
  // Newest activity first: the room made last, then the last peer written to.
  expect(large.result[0]?.id).toBe(room.id);
  expect(large.result[1]?.peer?.id).toBe(peers.at(-1) ?? -1);
});
