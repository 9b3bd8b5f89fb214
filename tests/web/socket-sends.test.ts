// The client side of `send` frames: each send is settled by the answer carrying its
// clientId, and whatever the socket cannot carry fails with NotSent (the caller then
// uses HTTP with the same clientId).
import { expect, test } from "bun:test";
import { NotSent, SendRefused, SocketSends } from "../../packages/parley-client/src/socket-sends.ts";
import { type ClientFrame, UNKNOWN_FRAME_TYPE } from "../../src/shared/events.ts";
import { aMessage } from "../helpers/message-fixture.ts";

function socketSends(online = true, ackTimeoutMs = 1000) {
  const sent: ClientFrame[] = [];
  const sends = new SocketSends((frame) => {
    if (online) sent.push(frame);
    return online;
  }, ackTimeoutMs);
  return { sends, sent };
}

const input = (clientId: string) => ({ to: { conversationId: 7 }, body: "hi", clientId });

test("a send is a frame, settled by the ack with its clientId and by no other", async () => {
  const { sends, sent } = socketSends();
  const first = sends.send(input("a"));
  const second = sends.send(input("b"));
  expect(sent).toEqual([
    { type: "send", ...input("a") },
    { type: "send", ...input("b") },
  ]);
  const message = aMessage({ id: 3, body: "hi" });
  expect(sends.receive({ type: "ack", clientId: "b", message })).toBe(true);
  expect(await second).toEqual(message);
  // Frames that answer nothing here are left to the app.
  expect(sends.receive({ type: "ack", clientId: "unknown", message })).toBe(false);
  expect(sends.receive({ type: "error", code: "TOO_MANY_REQUESTS", message: "At most 20 frames a second" })).toBe(
    false,
  );
  expect(sends.receive({ type: "pong" })).toBe(false);
  sends.receive({ type: "ack", clientId: "a", message });
  expect(await first).toEqual(message);
});

test("an error frame with the clientId is a refusal carrying the server's code, words and wait", async () => {
  const { sends } = socketSends();
  const refused = sends.send(input("a")).catch((error: unknown) => error);
  sends.receive({
    type: "error",
    code: "TOO_MANY_REQUESTS",
    message: "Sending too fast",
    clientId: "a",
    retryAfter: 2,
  });
  const error = await refused;
  expect(error).toBeInstanceOf(SendRefused);
  expect((error as SendRefused).failure).toEqual({
    code: "TOO_MANY_REQUESTS",
    message: "Sending too fast",
    retryAfter: 2,
  });
});

test("not online, closed before the answer, no answer in time or aborted: NotSent", async () => {
  const offline = socketSends(false);
  await expect(offline.sends.send(input("a"))).rejects.toBeInstanceOf(NotSent);

  const { sends } = socketSends(true, 20);
  const dropped = sends.send(input("b"));
  sends.dropAll();
  await expect(dropped).rejects.toBeInstanceOf(NotSent);

  const started = Date.now();
  await expect(sends.send(input("c"))).rejects.toBeInstanceOf(NotSent);
  expect(Date.now() - started).toBeGreaterThanOrEqual(15);

  const controller = new AbortController();
  const aborted = sends.send(input("d"), controller.signal);
  controller.abort();
  await expect(aborted).rejects.toBeInstanceOf(NotSent);
  // Settled ones are gone: a late ack answers nothing.
  expect(sends.receive({ type: "ack", clientId: "c", message: aMessage({ id: 4 }) })).toBe(false);
});

test('a server older than `send` ("Unknown frame type"): the waiting sends go another way at once, later ones skip the socket until it closes', async () => {
  const { sends, sent } = socketSends(true, 60_000);
  const first = sends.send(input("a"));
  const second = sends.send(input("b"));
  // The old server answers each unknown frame with an error without clientId.
  const unknown = { type: "error", code: "BAD_REQUEST", message: UNKNOWN_FRAME_TYPE } as const;
  expect(sends.receive(unknown)).toBe(true);
  await expect(first).rejects.toBeInstanceOf(NotSent);
  await expect(second).rejects.toBeInstanceOf(NotSent);
  // Its answer to the second frame is taken too, not left to the app.
  expect(sends.receive(unknown)).toBe(true);
  // No more send frames on this connection: each further error would bring the 1008 closer.
  await expect(sends.send(input("c"))).rejects.toBeInstanceOf(NotSent);
  expect(sent.map((frame) => (frame.type === "send" ? frame.clientId : frame.type))).toEqual(["a", "b"]);
  // The socket closed: the next one may reach a newer server, and is tried again.
  sends.dropAll();
  const fourth = sends.send(input("d"));
  expect(sent).toHaveLength(3);
  sends.receive({ type: "ack", clientId: "d", message: aMessage({ id: 5 }) });
  expect(await fourth).toEqual(aMessage({ id: 5 }));
});

test('"Unknown frame type" with no send waiting is not about sends: left to the app', () => {
  const { sends } = socketSends();
  expect(sends.receive({ type: "error", code: "BAD_REQUEST", message: UNKNOWN_FRAME_TYPE })).toBe(false);
});
