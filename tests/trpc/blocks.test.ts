// account.block / unblock / blocks: a blocked person can neither start nor continue a
// direct conversation with the blocker (FORBIDDEN, a plain refusal), the blocker cannot
// write to them either until they unblock, and rooms are never refused.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { signUp, type TestUser } from "../helpers/client.ts";
import { createRoom } from "../helpers/conversations.ts";
import { forEachDatabase } from "../helpers/databases.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { failure, failureCode } from "../helpers/trpc.ts";
import { openSocket } from "../helpers/ws.ts";

forEachDatabase(() => {
  let server: TestServer;
  let ada: TestUser;
  let bob: TestUser;
  let cy: TestUser;
  let direct: number;

  beforeAll(async () => {
    server = await startTestServer();
    [ada, bob, cy] = [await signUp(server.url), await signUp(server.url), await signUp(server.url)];
    direct = (await bob.trpc.history.send.mutate({ to: { userId: ada.user.id }, body: "hello" })).conversationId;
  });
  afterAll(() => server.close());

  const toAda = (who: TestUser, body: string) => who.trpc.history.send.mutate({ to: { userId: ada.user.id }, body });

  test("a blocked person cannot continue the direct conversation, by either way of naming it", async () => {
    const before = await bob.trpc.history.send.mutate({ to: { conversationId: direct }, body: "before" });
    await ada.trpc.account.block.mutate({ userId: bob.user.id });
    const refused = await failure(
      bob.trpc.history.send.mutate({ to: { conversationId: direct }, body: "still there?" }),
    );
    expect(refused.data?.code).toBe("FORBIDDEN");
    expect(refused.message).toBe("You cannot send messages to this person");
    expect(await failureCode(toAda(bob, "by user id"))).toBe("FORBIDDEN");
    // Nor edits and reactions in it.
    expect(await failureCode(bob.trpc.history.edit.mutate({ id: before.id, body: "changed" }))).toBe("FORBIDDEN");
    expect(await failureCode(bob.trpc.history.react.mutate({ id: before.id, emoji: "👍", on: true }))).toBe(
      "FORBIDDEN",
    );
    // Nothing of it was stored: Ada's page ends with "before".
    const page = await ada.trpc.history.messages.query({ conversationId: direct });
    expect(page.items.at(-1)?.body).toBe("before");
    await ada.trpc.account.unblock.mutate({ userId: bob.user.id });
  });

  test("a blocked person cannot start a direct conversation; the blocker cannot write either until unblocking", async () => {
    await ada.trpc.account.block.mutate({ userId: cy.user.id });
    expect(await failureCode(toAda(cy, "hi, new here"))).toBe("FORBIDDEN");
    const conversations = await ada.trpc.history.conversations.query();
    expect(conversations.some((c) => c.peer?.id === cy.user.id)).toBe(false);
    const own = await failure(ada.trpc.history.send.mutate({ to: { userId: cy.user.id }, body: "one last word" }));
    expect(own.data?.code).toBe("FORBIDDEN");
    expect(own.message).toContain("unblock");

    await ada.trpc.account.unblock.mutate({ userId: cy.user.id });
    expect((await toAda(cy, "hi again")).body).toBe("hi again");
  });

  test("typing in a blocked direct conversation is refused and reaches nobody", async () => {
    await ada.trpc.account.block.mutate({ userId: bob.user.id });
    const [adaSocket, bobSocket] = await Promise.all([
      openSocket(server.url, ada.token),
      openSocket(server.url, bob.token),
    ]);
    bobSocket.send({ type: "typing", conversationId: direct });
    const error = await bobSocket.next("error");
    expect(error.code).toBe("FORBIDDEN");
    // Ada hears Bob's typing nowhere: a later frame of hers proves the order.
    await cy.trpc.history.send.mutate({ to: { userId: ada.user.id }, body: "ping" });
    await adaSocket.next("message", (m) => m.message.body === "ping");
    expect(adaSocket.frames.some((f) => f.type === "typing")).toBe(false);
    adaSocket.close();
    bobSocket.close();
    await ada.trpc.account.unblock.mutate({ userId: bob.user.id });
  });

  test("rooms are shared as before: a blocked person still writes there", async () => {
    const room = await createRoom(server, [ada, bob]);
    await ada.trpc.account.block.mutate({ userId: bob.user.id });
    const sent = await bob.trpc.history.send.mutate({ to: { conversationId: room }, body: "in the room" });
    expect(sent.body).toBe("in the room");
    // Ada still gets it: folding it away is her client's business.
    const page = await ada.trpc.history.messages.query({ conversationId: room });
    expect(page.items.some((m) => m.body === "in the room")).toBe(true);
    await ada.trpc.account.unblock.mutate({ userId: bob.user.id });
  });

  test("the blocked list: own blocks only, earliest first, blocking twice and unblocking twice change nothing", async () => {
    await ada.trpc.account.block.mutate({ userId: cy.user.id });
    // A later millisecond: blocks made in the same one are listed by the person's id.
    await Bun.sleep(3);
    await ada.trpc.account.block.mutate({ userId: bob.user.id });
    await ada.trpc.account.block.mutate({ userId: cy.user.id });
    expect((await ada.trpc.account.blocks.query()).map((u) => u.id)).toEqual([cy.user.id, bob.user.id]);
    expect(await bob.trpc.account.blocks.query()).toEqual([]);
    await ada.trpc.account.unblock.mutate({ userId: cy.user.id });
    await ada.trpc.account.unblock.mutate({ userId: cy.user.id });
    expect((await ada.trpc.account.blocks.query()).map((u) => u.username)).toEqual([bob.user.username]);
    await ada.trpc.account.unblock.mutate({ userId: bob.user.id });
    // Unblocked: Bob writes in the direct conversation again.
    expect((await bob.trpc.history.send.mutate({ to: { conversationId: direct }, body: "back" })).body).toBe("back");
  });

  test("blocking yourself or nobody is refused", async () => {
    expect(await failureCode(ada.trpc.account.block.mutate({ userId: ada.user.id }))).toBe("BAD_REQUEST");
    expect(await failureCode(ada.trpc.account.block.mutate({ userId: 999_999 }))).toBe("NOT_FOUND");
  });
});
