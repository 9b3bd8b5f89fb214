// A page of history costs the same number of SQL statements whether its messages carry no
// reactions or many, from many people (no query per message or per reaction).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { signUp, type TestUser } from "../helpers/client.ts";
import { recordQueries } from "../helpers/query-log.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

async function roomWith(owner: TestUser, others: TestUser[], messages: number) {
  const room = await owner.trpc.rooms.create.mutate({ name: `queries-${Math.random().toString(36).slice(2, 9)}` });
  for (const other of others) await other.trpc.rooms.join.mutate({ id: room.id });
  const ids: number[] = [];
  for (let i = 0; i < messages; i++)
    ids.push((await owner.trpc.history.send.mutate({ to: { conversationId: room.id }, body: `m${i}` })).id);
  return { roomId: room.id, ids };
}

test("the latest page, an older page, around and changes: as many statements with 60 reactions as with none", async () => {
  const [ada, bob, cy] = await Promise.all([signUp(server.url), signUp(server.url), signUp(server.url)]);
  const plain = await roomWith(ada, [bob, cy], 20);
  const busy = await roomWith(ada, [bob, cy], 20);
  for (const id of busy.ids.slice(-15))
    for (const [who, emoji] of [
      [ada, "👍"],
      [bob, "👍"],
      [cy, "🎉"],
      [bob, "🚀"],
    ] as const)
      await who.trpc.history.react.mutate({ id, emoji, on: true });

  const cost = async (roomId: number, ids: number[]) => {
    const calls: (() => Promise<unknown>)[] = [
      () => bob.trpc.history.messages.query({ conversationId: roomId }),
      () => bob.trpc.history.messages.query({ conversationId: roomId, before: ids[10] }),
      () => bob.trpc.history.around.query({ conversationId: roomId, messageId: ids[12] ?? 0 }),
      () => bob.trpc.history.changes.query({ conversationId: roomId, after: 0 }),
    ];
    const counts: number[] = [];
    for (const call of calls) counts.push((await recordQueries(server.deps.db, call)).queries.length);
    return counts;
  };
  const none = await cost(plain.roomId, plain.ids);
  const many = await cost(busy.roomId, busy.ids);
  expect(many).toEqual(none);
  // And the reactions are there.
  const page = await bob.trpc.history.messages.query({ conversationId: busy.roomId });
  expect(page.items).toHaveLength(15);
  for (const message of page.items)
    expect(message.reactions).toEqual([
      { emoji: "👍", userIds: [ada.user.id, bob.user.id] },
      { emoji: "🎉", userIds: [cy.user.id] },
      { emoji: "🚀", userIds: [bob.user.id] },
    ]);
});
