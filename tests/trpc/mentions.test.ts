// Mentions end to end: `<@id>` of members is recorded (others stay text), `<@room>` names
// every member but the sender, an edit re-reads them, and the conversation list counts
// the viewer's unread mentions.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { signUp, type TestUser } from "../helpers/client.ts";
import { createRoom } from "../helpers/conversations.ts";
import { forEachDatabase, rawRows } from "../helpers/databases.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

forEachDatabase(() => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  const trio = () => Promise.all([signUp(server.url), signUp(server.url), signUp(server.url)]);

  const room = (owner: TestUser, ...others: TestUser[]) => createRoom(server, [owner, ...others]);

  test("members named with <@id> are mentioned; outsiders and the sender are not; <@room> names everyone else", async () => {
    const [ada, bob, cy] = await trio();
    const outsider = await signUp(server.url);
    const roomId = await room(ada, bob, cy);
    const to = { conversationId: roomId };
    const one = await ada.trpc.history.send.mutate({
      to,
      body: `hi <@${bob.user.id}> and <@${outsider.user.id}> and me <@${ada.user.id}> <@${bob.user.id}>`,
    });
    expect(one.mentions).toEqual([bob.user.id]);
    const all = await ada.trpc.history.send.mutate({ to, body: "<@room> standup" });
    expect(all.mentions).toEqual([bob.user.id, cy.user.id].sort((a, b) => a - b));
    expect((await bob.trpc.history.get.query({ id: all.id })).mentions).toEqual(all.mentions);

    // The list counts unread mentions apart from unread messages, and reading clears them.
    const bobs = (await bob.trpc.history.conversations.query()).find((c) => c.id === roomId);
    expect(bobs).toMatchObject({ unread: 2, mentions: 2 });
    const cys = (await cy.trpc.history.conversations.query()).find((c) => c.id === roomId);
    expect(cys).toMatchObject({ unread: 2, mentions: 1 });
    await bob.trpc.history.markRead.mutate({ conversationId: roomId, upTo: all.id });
    expect((await bob.trpc.history.conversations.query()).find((c) => c.id === roomId)?.mentions).toBe(0);

    // An edit re-reads the mentions; a deletion removes them.
    const edited = await ada.trpc.history.edit.mutate({ id: one.id, body: `now <@${cy.user.id}>` });
    expect(edited.mentions).toEqual([cy.user.id]);
    const deleted = await ada.trpc.history.delete.mutate({ id: all.id });
    expect(deleted.mentions).toEqual([]);
    expect((await cy.trpc.history.conversations.query()).find((c) => c.id === roomId)?.mentions).toBe(1);
  });

  test("<@room> in a direct conversation mentions nobody; in a room of more than 50, moderators only", async () => {
    const [ada, bob] = await trio();
    const direct = await ada.trpc.history.send.mutate({ to: { userId: bob.user.id }, body: "<@room>?" });
    expect(direct.mentions).toEqual([]);
    const roomId = await room(ada, bob);
    // Fifty more members, straight in the database.
    const sql = (text: string, ...params: unknown[]) => rawRows<{ id: number }>(server.deps.database, text, ...params);
    for (let i = 0; i < 50; i++) {
      const [user] = await sql(
        "insert into users (username, email, first_name, last_name, password_hash, created_at) values (?, ?, 'M', 'M', 'x', 0) returning id",
        `crowd${i}_${roomId}`,
        `crowd${i}_${roomId}@example.com`,
      );
      await sql("insert into members (conversation_id, user_id, joined_at) values (?, ?, 0)", roomId, user?.id ?? 0);
    }
    const refused = await bob.trpc.history.send
      .mutate({ to: { conversationId: roomId }, body: "<@room>" })
      .catch((e) => e);
    expect(refused.data?.code).toBe("FORBIDDEN");
    await sql("update users set is_admin = true where id = ?", ada.user.id);
    const allowed = await ada.trpc.history.send.mutate({ to: { conversationId: roomId }, body: "<@room>" });
    expect(allowed.mentions).toHaveLength(51);
  });
});
