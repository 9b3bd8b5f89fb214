// Notification settings: a member mutes a conversation for themselves only (the list says
// muted, unread and mentions are still counted so a client can show the mention badge),
// their other sockets hear it, and nobody mutes a conversation they are not in. Desktop
// notification choices live on the server and belong to the caller alone.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { setMuted } from "../../src/chat/notification-settings.ts";
import { signUp } from "../helpers/client.ts";
import { createRoom } from "../helpers/conversations.ts";
import { forEachDatabase } from "../helpers/databases.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { failureCode } from "../helpers/trpc.ts";
import { openSocket } from "../helpers/ws.ts";

forEachDatabase(() => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  test("muting is the member's own: unread and mentions still counted, the other tab hears it", async () => {
    const [ada, bob] = await Promise.all([signUp(server.url), signUp(server.url)]);
    const roomId = await createRoom(server, [ada, bob]);
    const bobsOtherTab = await openSocket(server.url, bob.token);
    try {
      const muted = await bob.trpc.history.setMuted.mutate({ conversationId: roomId, muted: true });
      expect(muted).toMatchObject({ id: roomId, muted: true });
      const frame = await bobsOtherTab.next("conversation", (f) => f.conversation.id === roomId);
      expect(frame.conversation.muted).toBe(true);

      await ada.trpc.history.send.mutate({ to: { conversationId: roomId }, body: "lunch?" });
      await ada.trpc.history.send.mutate({ to: { conversationId: roomId }, body: `<@${bob.user.id}> you too` });
      const bobs = (await bob.trpc.history.conversations.query()).find((c) => c.id === roomId);
      expect(bobs).toMatchObject({ muted: true, unread: 2, mentions: 1 });
      const adas = (await ada.trpc.history.conversations.query()).find((c) => c.id === roomId);
      expect(adas?.muted).toBe(false);

      await bob.trpc.history.setMuted.mutate({ conversationId: roomId, muted: false });
      expect((await bob.trpc.history.conversations.query()).find((c) => c.id === roomId)?.muted).toBe(false);
    } finally {
      bobsOtherTab.close();
    }
  });

  test("muting a conversation you are not in, or one that does not exist, is NOT_FOUND", async () => {
    const [ada, bob, eve] = await Promise.all([signUp(server.url), signUp(server.url), signUp(server.url)]);
    const roomId = await createRoom(server, [ada, bob]);
    const direct = await ada.trpc.history.send.mutate({ to: { userId: bob.user.id }, body: "hi" });
    expect(await failureCode(eve.trpc.history.setMuted.mutate({ conversationId: roomId, muted: true }))).toBe(
      "NOT_FOUND",
    );
    expect(
      await failureCode(eve.trpc.history.setMuted.mutate({ conversationId: direct.conversationId, muted: true })),
    ).toBe("NOT_FOUND");
    expect(await failureCode(eve.trpc.history.setMuted.mutate({ conversationId: 987654, muted: true }))).toBe(
      "NOT_FOUND",
    );
    // Nothing changed for the members.
    expect((await ada.trpc.history.conversations.query()).every((c) => !c.muted)).toBe(true);
    // The domain function refuses alike, whoever calls it.
    await expect(setMuted(server.deps, eve.user.id, { conversationId: roomId, muted: true })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  test("desktop notification settings: all by default, changed in part, the caller's own, checked", async () => {
    const [ada, bob] = await Promise.all([signUp(server.url), signUp(server.url)]);
    expect(await ada.trpc.account.notificationSettings.query()).toEqual({ desktop: "all", promptDismissed: false });
    expect(await ada.trpc.account.setNotificationSettings.mutate({ desktop: "mentions" })).toEqual({
      desktop: "mentions",
      promptDismissed: false,
    });
    expect(await ada.trpc.account.setNotificationSettings.mutate({ promptDismissed: true })).toEqual({
      desktop: "mentions",
      promptDismissed: true,
    });
    expect(await ada.trpc.account.notificationSettings.query()).toEqual({ desktop: "mentions", promptDismissed: true });
    expect(await bob.trpc.account.notificationSettings.query()).toEqual({ desktop: "all", promptDismissed: false });
    expect(
      await failureCode(
        ada.trpc.account.setNotificationSettings.mutate({ desktop: "loud" } as unknown as { desktop: "off" }),
      ),
    ).toBe("BAD_REQUEST");
  });
});
