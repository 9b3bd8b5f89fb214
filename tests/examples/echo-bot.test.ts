// The example bot (examples/echo-bot), run as its own process the way its README says,
// against a real server: a person who writes to it sees the echo arrive on their socket.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { signUp, type TestUser } from "../helpers/client.ts";
import { createRoom, joinRoom } from "../helpers/conversations.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { openSocket, type TestSocket } from "../helpers/ws.ts";

const botDir = join(import.meta.dir, "..", "..", "examples", "echo-bot");

let server: TestServer;
let bot: TestUser;
let alice: TestUser;
let aliceSocket: TestSocket;
let botProcess: Subprocess<"ignore", "pipe", "pipe">;

beforeAll(async () => {
  server = await startTestServer();
  bot = await signUp(server.url, { username: `echo_${Math.random().toString(36).slice(2, 7)}` });
  alice = await signUp(server.url);
  aliceSocket = await openSocket(server.url, alice.token);
  botProcess = Bun.spawn([process.execPath, "bot.ts"], {
    cwd: botDir,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      PARLEY_URL: server.url,
      PARLEY_USERNAME: bot.user.username,
      PARLEY_PASSWORD: bot.password,
    },
  });
  // It says so once its socket is ready.
  const reader = botProcess.stdout.getReader();
  let said = "";
  while (!said.includes("listening as")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the bot exited: ${await new Response(botProcess.stderr).text()}`);
    said += new TextDecoder().decode(value);
  }
  reader.releaseLock();
});

afterAll(async () => {
  botProcess?.kill();
  await botProcess?.exited;
  aliceSocket?.close();
  await server?.close();
});

const fromBot = (body: string) => (frame: { message: { senderId: number; body: string } }) =>
  frame.message.senderId === bot.user.id && frame.message.body === body;

describe("the echo bot", () => {
  test("answers a direct message with what was said", async () => {
    const sent = await alice.trpc.history.send.mutate({ to: { userId: bot.user.id }, body: "hello, bot" });
    const echo = await aliceSocket.next("message", fromBot("echo: hello, bot"), 15_000);
    expect(echo.message.conversationId).toBe(sent.conversationId);
    const page = await alice.trpc.history.messages.query({ conversationId: sent.conversationId });
    expect(page.items.map((m) => m.body)).toEqual(["hello, bot", "echo: hello, bot"]);
  });

  test("in a room, answers only what mentions it", async () => {
    const roomId = await createRoom(server, [alice]);
    await joinRoom(server, bot, roomId);
    await alice.trpc.history.send.mutate({ to: { conversationId: roomId }, body: "not for the bot" });
    await alice.trpc.history.send.mutate({
      to: { conversationId: roomId },
      body: `@${bot.user.username.toUpperCase()} are you there?`,
    });
    await aliceSocket.next("message", fromBot("echo: are you there?"), 15_000);
    const page = await alice.trpc.history.messages.query({ conversationId: roomId });
    // The bot's own lines, not the system line of its joining (an event, with an empty body).
    const said = page.items.filter((m) => m.senderId === bot.user.id && !m.event).map((m) => m.body);
    expect(said).toEqual(["echo: are you there?"]);
  });
});
