// The hub's part in a socket's open, which awaits the database: what the bus says during
// those waits (a session ended, a conversation joined or left) is not lost.
import { expect, test } from "bun:test";
import pino from "pino";
import { createMetrics } from "../../src/metrics/metrics.ts";
import { conversationTopic } from "../../src/realtime/bus.ts";
import { createHub, type Socket } from "../../src/realtime/hub.ts";
import { createLocalBus } from "../../src/realtime/local-bus.ts";

/** A socket as Bun hands it to the hub, recording what the hub does to it. */
function recordingSocket() {
  const subscribed = new Set<string>();
  const closes: number[] = [];
  const socket: Socket = {
    readyState: 1,
    sendText: () => 1,
    subscribe: (topic) => subscribed.add(topic),
    unsubscribe: (topic) => subscribed.delete(topic),
    close: (code) => {
      closes.push(code ?? 0);
    },
    getBufferedAmount: () => 0,
  };
  return { socket, subscribed, closes };
}

const setup = () => {
  const bus = createLocalBus();
  const hub = createHub(
    { bus, logger: pino({ level: "silent" }), metrics: createMetrics() },
    { conversationsOf: async () => [] },
  );
  return { bus, hub };
};

test("a session ended while a socket's open checks it is reported when the check is done", () => {
  const { bus, hub } = setup();
  const { socket } = recordingSocket();
  const other = recordingSocket().socket;
  hub.opening(socket, 7, "s1");
  hub.opening(other, 7, "s2");
  bus.publish({ type: "disconnect", userId: 7, sessionId: "s1" });
  expect(hub.opened(socket)).toBe(false);
  expect(hub.opened(other)).toBe(true);
});

test("joins and leaves heard while a new socket reads its conversations are applied after what it read", () => {
  const { bus, hub } = setup();
  const { socket, subscribed } = recordingSocket();
  const { conn } = hub.register(socket, 7, "s1");
  // Meanwhile (the read is on its way): 7 leaves 1 and joins 3; the read still saw 1, not 3.
  bus.publish({ type: "membership", userId: 7, conversationId: 1, joined: false });
  bus.publish({ type: "membership", userId: 7, conversationId: 3, joined: true });
  hub.follow(conn, [1, 2]);
  expect([...subscribed].sort()).toEqual([conversationTopic(2), conversationTopic(3)].sort());
});
