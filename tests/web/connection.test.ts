// The socket client: ready, reconnect with backoff and jitter, ping, and the end of the session on 1008.
import { describe, expect, test } from "bun:test";
import { backoffDelay } from "../../packages/parley-client/src/backoff.ts";
import {
  Connection,
  type ConnectionState,
  type SocketLike,
  type Timers,
} from "../../packages/parley-client/src/connection.ts";
import type { ClientFrame, ServerFrame } from "../../src/shared/events.ts";
import { aMessage } from "../helpers/message-fixture.ts";

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: ClientFrame[] = [];
  onopen: SocketLike["onopen"] = null;
  onmessage: SocketLike["onmessage"] = null;
  onclose: SocketLike["onclose"] = null;
  onerror: SocketLike["onerror"] = null;
  send(data: string) {
    this.sent.push(JSON.parse(data) as ClientFrame);
  }
  close() {
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.(new Event("open"));
  }
  receive(frame: ServerFrame) {
    this.onmessage?.(new MessageEvent("message", { data: JSON.stringify(frame) }));
  }
  drop(code = 1006) {
    this.readyState = 3;
    this.onclose?.(new CloseEvent("close", { code }));
  }
}

class FakeTimers implements Timers {
  now = 0;
  private next = 1;
  private tasks = new Map<number, { at: number; fn: () => void; every?: number }>();
  setTimeout(fn: () => void, ms: number) {
    const id = this.next++;
    this.tasks.set(id, { at: this.now + ms, fn });
    return id;
  }
  clearTimeout(handle: unknown) {
    this.tasks.delete(handle as number);
  }
  setInterval(fn: () => void, ms: number) {
    const id = this.next++;
    this.tasks.set(id, { at: this.now + ms, fn, every: ms });
    return id;
  }
  clearInterval(handle: unknown) {
    this.tasks.delete(handle as number);
  }
  pendingDelays() {
    return [...this.tasks.values()].filter((t) => !t.every).map((t) => t.at - this.now);
  }
  advance(ms: number) {
    const until = this.now + ms;
    for (;;) {
      const due = [...this.tasks.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      const [id, task] = due;
      this.now = task.at;
      if (task.every) task.at += task.every;
      else this.tasks.delete(id);
      task.fn();
    }
    this.now = until;
  }
}

function setup() {
  const sockets: FakeSocket[] = [];
  const frames: ServerFrame[] = [];
  const states: ConnectionState[] = [];
  const timers = new FakeTimers();
  let ended = 0;
  const failures: number[] = [];
  const connection = new Connection({
    url: "ws://test/ws",
    openSocket: () => {
      const socket = new FakeSocket();
      sockets.push(socket);
      return socket;
    },
    onFrame: (frame) => frames.push(frame),
    onState: (state) => states.push(state),
    onSessionEnded: () => {
      ended += 1;
    },
    onConnectFailed: (attempt) => failures.push(attempt),
    checkFrames: true,
    timers,
    backoff: { baseMs: 500, maxMs: 8000, random: () => 0.5 },
  });
  const last = () => sockets.at(-1) as FakeSocket;
  return { connection, sockets, frames, states, timers, last, failures, ended: () => ended };
}

const message = (id: number): ServerFrame => ({
  type: "message",
  message: aMessage({ id, senderId: 2 }),
});

describe("Connection", () => {
  test("ready puts it online and asks nothing: the app catches up per conversation", () => {
    const { connection, last, states, frames } = setup();
    connection.start();
    last().open();
    last().receive({ type: "ready", userId: 1, lastMessageId: 40, maxBody: 4000 });
    expect(states).toEqual(["connecting", "online"]);
    expect(last().sent).toEqual([]);
    expect(frames.at(-1)?.type).toBe("ready");
  });

  test("after a drop it reconnects with backoff, and the app hears ready again", () => {
    const { connection, last, sockets, timers, states, frames } = setup();
    connection.start();
    last().open();
    last().receive({ type: "ready", userId: 1, lastMessageId: 5, maxBody: 4000 });
    last().receive(message(6));
    last().receive(message(7));
    last().drop(1001);
    expect(connection.state).toBe("reconnecting");
    expect(timers.pendingDelays()).toEqual([375]); // 500 * (0.5 + 0.5 * 0.5)
    timers.advance(374);
    expect(sockets).toHaveLength(1);
    timers.advance(1);
    expect(sockets).toHaveLength(2);
    last().open();
    last().receive({ type: "ready", userId: 1, lastMessageId: 9, maxBody: 4000 });
    expect(last().sent).toEqual([]);
    expect(states).toEqual(["connecting", "online", "reconnecting", "online"]);
    expect(frames.filter((f) => f.type === "message")).toHaveLength(2);
    expect(frames.filter((f) => f.type === "ready")).toHaveLength(2);
  });

  test("resync (frames may have been lost) reaches the app on the same socket", () => {
    const { connection, last, sockets, frames } = setup();
    connection.start();
    last().open();
    last().receive({ type: "ready", userId: 1, lastMessageId: 5, maxBody: 4000 });
    last().receive({ type: "resync" });
    expect(sockets).toHaveLength(1);
    expect(connection.state).toBe("online");
    expect(frames.at(-1)).toEqual({ type: "resync" });
  });

  test("failed attempts back off exponentially up to the cap, and each failure is reported", () => {
    const { connection, last, timers, failures } = setup();
    connection.start();
    const delays: number[] = [];
    for (let i = 0; i < 7; i += 1) {
      last().drop();
      delays.push(...timers.pendingDelays());
      timers.advance(timers.pendingDelays()[0] ?? 0);
    }
    expect(delays).toEqual([375, 750, 1500, 3000, 6000, 6000, 6000]);
    expect(failures).toEqual([0, 1, 2, 3, 4, 5, 6]);
    // A successful `ready` resets the backoff.
    last().open();
    last().receive({ type: "ready", userId: 1, lastMessageId: 0, maxBody: 4000 });
    last().drop();
    expect(timers.pendingDelays()).toEqual([375]);
    connection.stop();
  });

  test("jitter spreads the delays between half and all of the ceiling", () => {
    expect(backoffDelay(0, { random: () => 0 })).toBe(250);
    expect(backoffDelay(0, { random: () => 1 })).toBe(500);
    expect(backoffDelay(30, { random: () => 1 })).toBe(15_000);
    expect(backoffDelay(30, { random: () => 0 })).toBe(7500);
  });

  test("pings every 25 seconds while connected", () => {
    const { connection, last, timers } = setup();
    connection.start();
    last().open();
    last().receive({ type: "ready", userId: 1, lastMessageId: 0, maxBody: 4000 });
    timers.advance(24_999);
    expect(last().sent).toEqual([]);
    timers.advance(1);
    timers.advance(25_000);
    expect(last().sent).toEqual([{ type: "ping" }, { type: "ping" }]);
    last().receive({ type: "pong" });
    connection.stop();
  });

  test("close code 1008 ends the session: no reconnect", () => {
    const { connection, last, timers, sockets, ended } = setup();
    connection.start();
    last().open();
    last().receive({ type: "ready", userId: 1, lastMessageId: 0, maxBody: 4000 });
    last().drop(1008);
    expect(connection.state).toBe("ended");
    expect(ended()).toBe(1);
    timers.advance(60_000);
    expect(sockets).toHaveLength(1);
  });

  test("stop() closes the socket and cancels the reconnect", () => {
    const { connection, last, timers, sockets } = setup();
    connection.start();
    last().drop();
    connection.stop();
    timers.advance(60_000);
    expect(sockets).toHaveLength(1);
    expect(connection.state).toBe("stopped");
  });

  test("frames are sent only once the socket is ready", () => {
    const { connection, last } = setup();
    connection.start();
    expect(connection.send({ type: "typing", conversationId: 1 })).toBe(false);
    last().open();
    last().receive({ type: "ready", userId: 1, lastMessageId: 0, maxBody: 4000 });
    expect(connection.send({ type: "typing", conversationId: 1 })).toBe(true);
    expect(last().sent).toEqual([{ type: "typing", conversationId: 1 }]);
  });

  test("a frame outside the protocol is dropped, not handed to the app", () => {
    const { connection, last, frames } = setup();
    const errors = console.error;
    console.error = () => {};
    try {
      connection.start();
      last().open();
      last().receive({ type: "ready", userId: 1, lastMessageId: 0, maxBody: 4000 });
      last().onmessage?.(
        new MessageEvent("message", { data: JSON.stringify({ type: "message", message: { id: "7" } }) }),
      );
      last().onmessage?.(new MessageEvent("message", { data: JSON.stringify({ type: "surprise" }) }));
      last().receive(message(8));
    } finally {
      console.error = errors;
    }
    expect(frames.map((f) => f.type)).toEqual(["ready", "message"]);
  });
});
