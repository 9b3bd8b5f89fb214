// parley-client against a real server: login, sending, and a listener that gets every
// message once, across a dropped socket (catch-up on `ready`) and a conversation begun
// while it was away.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  login,
  type Message,
  type ParleyClient,
  SendRefused,
  type ServerFrame,
} from "../../packages/parley-client/src/index.ts";
import { signUp, type TestUser } from "../helpers/client.ts";
import { createRoom, eventually } from "../helpers/conversations.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

let server: TestServer;
let alice: TestUser;
let bob: TestUser;
let bobClient: ParleyClient;

beforeAll(async () => {
  server = await startTestServer();
  alice = await signUp(server.url);
  bob = await signUp(server.url);
  bobClient = await login(server.url, { username: bob.user.username, password: bob.password });
});

afterAll(async () => {
  await server?.close();
});

describe("parley-client", () => {
  test("login refuses a wrong password with the server's reason", async () => {
    await expect(login(server.url, { username: bob.user.username, password: "wrong password" })).rejects.toThrow(
      "login refused (401)",
    );
  });

  test("send is typed and idempotent by clientId", async () => {
    const first = await bobClient.send({ userId: alice.user.id }, "hi alice", "bob-1");
    const again = await bobClient.send({ userId: alice.user.id }, "hi alice", "bob-1");
    expect(again.id).toBe(first.id);
    expect((await bobClient.me()).id).toBe(bob.user.id);
  });

  test("a listener sends over its socket while it is online, over HTTP once stopped, each stored once", async () => {
    const frames: ServerFrame[] = [];
    const listener = bobClient.listen({ onFrame: (frame) => frames.push(frame) });
    await eventually(() => listener.state === "online", "the listener online");
    const overSocket = await listener.send({ userId: alice.user.id }, "over the socket", "bob-socket-1");
    expect(frames.some((f) => f.type === "ack" && f.clientId === "bob-socket-1")).toBe(true);
    expect((await listener.send({ userId: alice.user.id }, "again", "bob-socket-1")).id).toBe(overSocket.id);
    const refused = await listener.send({ conversationId: 999_999 }, "nowhere").catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(SendRefused);
    expect((refused as SendRefused).failure.code).toBe("NOT_FOUND");
    listener.stop();
    // No socket: the same clientId over HTTP answers the message the socket stored.
    expect((await listener.send({ userId: alice.user.id }, "again", "bob-socket-1")).id).toBe(overSocket.id);
    const overHttp = await listener.send({ userId: alice.user.id }, "over HTTP");
    expect(frames.some((f) => f.type === "ack" && f.message.id === overHttp.id)).toBe(false);
  });

  test("by default a listener starts where each conversation stands: a reaction to an old message is not news", async () => {
    const roomId = await createRoom(server, [alice, bob]);
    const old = await alice.trpc.history.send.mutate({ to: { conversationId: roomId }, body: "old" });
    await alice.trpc.history.send.mutate({ to: { conversationId: roomId }, body: "last" });
    // The old message changes after the last one: the stream stands beyond the last message.
    await bob.trpc.history.react.mutate({ id: old.id, emoji: "👍", on: true });
    const received: Message[] = [];
    let ready = false;
    const listener = bobClient.listen({
      onMessage: (message) => received.push(message),
      onFrame: (frame) => {
        if (frame.type === "ready") ready = true;
      },
    });
    try {
      await eventually(() => ready, "the listener to be ready");
      const fresh = await alice.trpc.history.send.mutate({ to: { conversationId: roomId }, body: "new" });
      await eventually(() => received.some((m) => m.id === fresh.id), "the new message");
      expect(received.filter((m) => m.conversationId === roomId).map((m) => m.body)).toEqual(["new"]);
    } finally {
      listener.stop();
    }
  });

  test("a listener gets every message once: history, live, and what was sent while its socket was down", async () => {
    const roomId = await createRoom(server, [alice, bob]);
    const earlier = await alice.trpc.history.send.mutate({ to: { conversationId: roomId }, body: "before" });
    const received: Message[] = [];
    let readies = 0;
    const listener = bobClient.listen({
      from: "beginning",
      backoff: { baseMs: 50, maxMs: 200 },
      onMessage: (message) => received.push(message),
      onFrame: (frame) => {
        if (frame.type === "ready") readies += 1;
      },
    });
    try {
      // People's messages only: the room's system lines ("Bob joined") come through too.
      const bodies = () =>
        received.filter((m) => m.conversationId === roomId && m.event === undefined).map((m) => m.body);
      await eventually(() => bodies().includes("before"), "the room's history");
      await alice.trpc.history.send.mutate({ to: { conversationId: roomId }, body: "live" });
      await eventually(() => bodies().includes("live"), "a live message");

      listener.drop();
      const whileDown = [];
      for (let i = 0; i < 5; i += 1)
        whileDown.push(await alice.trpc.history.send.mutate({ to: { conversationId: roomId }, body: `away ${i}` }));
      // A conversation begun while the listener was away is followed too.
      const carol = await signUp(server.url);
      const direct = await carol.trpc.history.send.mutate({ to: { userId: bob.user.id }, body: "hello bob" });
      await eventually(() => readies >= 2 && bodies().length === 7, "the messages sent while away");
      await eventually(() => received.some((m) => m.id === direct.id), "the new direct conversation");

      expect(bodies()).toEqual(["before", "live", ...whileDown.map((m) => m.body)]);
      const ids = received.map((m) => m.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toContain(earlier.id);
    } finally {
      listener.stop();
    }
  });
});
