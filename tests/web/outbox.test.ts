// The outbox's rules, with fake time and storage: writing order, one on the wire at a
// time, the same clientId on every attempt, waits that the server or the network impose,
// red only for refusals that waiting cannot fix, and kept across a reload.
import { describe, expect, test } from "bun:test";
import type { Message } from "../../src/shared/api.ts";
import type { ApiFailure } from "../../web/src/api/client.ts";
import { judgeFailure, Outbox, type OutboxEntry, type OutboxStorage } from "../../web/src/lib/outbox.ts";
import { aMessage } from "../helpers/message-fixture.ts";

class FakeTime {
  now = 1_000_000;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private next = 0;
  readonly timerApi = {
    setTimeout: (fn: () => void, ms: number) => {
      this.next += 1;
      this.timers.push({ at: this.now + ms, fn, id: this.next });
      return this.next;
    },
    clearTimeout: (id: unknown) => {
      this.timers = this.timers.filter((t) => t.id !== id);
    },
  };
  get pending() {
    return this.timers.length;
  }
  async advance(ms: number) {
    const until = this.now + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.now = due.at;
      due.fn();
      await settle();
    }
    this.now = until;
  }
}

const settle = async () => {
  for (let i = 0; i < 5; i += 1) await Promise.resolve();
};

class MemoryStorage implements OutboxStorage {
  readonly values = new Map<string, string>();
  getItem(key: string) {
    return this.values.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.values.set(key, value);
  }
}

/** A server the test answers by hand: each send waits for `answer`. */
function fakeServer() {
  const calls: { entry: OutboxEntry; resolve: (m: Message) => void; reject: (f: ApiFailure) => void }[] = [];
  let nextId = 100;
  const stored = new Map<string, Message>();
  return {
    calls,
    stored,
    send: (entry: OutboxEntry) =>
      new Promise<Message>((resolve, reject) => {
        calls.push({ entry, resolve, reject });
      }),
    async accept(index = calls.length - 1) {
      const call = calls[index];
      if (!call) throw new Error(`no call ${index}`);
      let message = stored.get(call.entry.clientId);
      if (!message) {
        nextId += 1;
        message = aMessage({
          id: nextId,
          conversationId: 7,
          body: call.entry.body,
          clientId: call.entry.clientId,
        });
        stored.set(call.entry.clientId, message);
      }
      call.resolve(message);
      await settle();
    },
    async refuse(failure: ApiFailure, index = calls.length - 1) {
      calls[index]?.reject(failure);
      await settle();
    },
  };
}

function setUp(options: { storage?: MemoryStorage; online?: () => boolean } = {}) {
  const time = new FakeTime();
  const server = fakeServer();
  const storage = options.storage ?? new MemoryStorage();
  const sent: Message[] = [];
  let unauthorized = 0;
  const outbox = new Outbox({
    send: server.send,
    toFailure: (error) => error as ApiFailure,
    storage,
    key: "parley:outbox:1",
    now: () => time.now,
    timers: time.timerApi,
    ...(options.online ? { canSend: options.online } : {}),
    onSent: (message) => sent.push(message),
    onUnauthorized: () => {
      unauthorized += 1;
    },
    backoff: { baseMs: 1000, maxMs: 8000, random: () => 0 },
  });
  let counter = 0;
  const write = (body: string) => {
    counter += 1;
    return outbox.add({
      clientId: `c${counter}`,
      conversationId: 7,
      to: { conversationId: 7 },
      senderId: 1,
      body,
      createdAt: new Date(0).toISOString(),
    });
  };
  return { time, server, storage, sent, outbox, write, unauthorized: () => unauthorized };
}

const network: ApiFailure = { code: "NETWORK", message: "Parley cannot be reached." };

describe("order", () => {
  test("messages go one at a time, in the order they were written", async () => {
    const { server, outbox, write, sent } = setUp();
    const results = [write("one"), write("two"), write("three")];
    await settle();
    expect(server.calls.map((c) => c.entry.body)).toEqual(["one"]);
    await server.accept();
    expect(server.calls.map((c) => c.entry.body)).toEqual(["one", "two"]);
    await server.accept();
    await server.accept();
    expect(sent.map((m) => m.body)).toEqual(["one", "two", "three"]);
    expect((await Promise.all(results)).map((m) => m?.body)).toEqual(["one", "two", "three"]);
    expect(outbox.all).toEqual([]);
  });
});

describe("transient failures wait and retry with the same clientId", () => {
  test("the network: back off, and try at once when the connection is back", async () => {
    const { time, server, outbox, write, sent } = setUp();
    void write("hello");
    void write("world");
    await settle();
    await server.refuse(network);
    expect(outbox.all.map((e) => e.state)).toEqual(["queued", "queued"]);
    expect(server.calls).toHaveLength(1);
    await time.advance(499);
    expect(server.calls).toHaveLength(1);
    await time.advance(1);
    expect(server.calls).toHaveLength(2);
    await server.refuse(network);
    // Twice the wait now; but the connection coming back cuts it short.
    outbox.reconnected();
    await settle();
    expect(server.calls).toHaveLength(3);
    expect(server.calls.map((c) => c.entry.clientId)).toEqual(["c1", "c1", "c1"]);
    await server.accept();
    await server.accept();
    expect(sent.map((m) => m.body)).toEqual(["hello", "world"]);
  });

  test("the send limit: wait what the server says, keeping the order, never red", async () => {
    const { time, server, outbox, write } = setUp();
    void write("a");
    void write("b");
    await settle();
    await server.refuse({ code: "TOO_MANY_REQUESTS", message: "Sending too fast", retryAfter: 3 });
    expect(outbox.all[0]).toMatchObject({ state: "queued", notBefore: time.now + 3000, limited: true });
    expect(outbox.all.some((e) => e.state === "failed")).toBe(false);
    // A reconnect does not jump the server's wait.
    outbox.reconnected();
    await settle();
    expect(server.calls).toHaveLength(1);
    await time.advance(2999);
    expect(server.calls).toHaveLength(1);
    await time.advance(1);
    expect(server.calls.map((c) => c.entry.body)).toEqual(["a", "a"]);
    await server.accept();
    expect(server.calls.map((c) => c.entry.body)).toEqual(["a", "a", "b"]);
  });

  test("a send that is never answered is given up after 15 s and tried again; a late answer changes nothing", async () => {
    const { time, server, outbox, write, sent } = setUp();
    void write("lost on the way");
    void write("behind it");
    await settle();
    expect(server.calls).toHaveLength(1);
    await time.advance(14_999);
    expect(server.calls).toHaveLength(1);
    await time.advance(1);
    expect(outbox.all.map((e) => e.state)).toEqual(["queued", "queued"]);
    await time.advance(500);
    expect(server.calls.map((c) => c.entry.clientId)).toEqual(["c1", "c1"]);
    // The first request's answer arrives after all: the outbox no longer waits for it.
    await server.accept(0);
    await server.accept(1);
    await server.accept();
    expect(sent.map((m) => m.body)).toEqual(["lost on the way", "behind it"]);
    expect(outbox.all).toEqual([]);
  });

  test("the stored copy on the stream settles an entry whose retry is on the wire: gone at once, the next one goes", async () => {
    const { time, server, outbox, write, sent } = setUp();
    const first = write("answer lost");
    void write("behind it");
    await settle();
    await server.refuse(network);
    await time.advance(500);
    expect(server.calls.map((c) => c.entry.clientId)).toEqual(["c1", "c1"]);
    // The first attempt was stored after all: its copy comes on the stream, the retry hangs.
    const copy = aMessage({ id: 42, conversationId: 7, senderId: 1, body: "answer lost", clientId: "c1" });
    outbox.stored(copy);
    expect(outbox.all.map((e) => e.body)).toEqual(["behind it"]);
    expect(await first).toEqual(copy);
    await settle();
    expect(server.calls.map((c) => c.entry.clientId)).toEqual(["c1", "c1", "c2"]);
    await server.accept();
    // The called-off retry's late answer changes nothing.
    await server.accept(1);
    expect(sent.map((m) => m.body)).toEqual(["answer lost", "behind it"]);
    expect(outbox.all).toEqual([]);
    // Another sender's message with the same clientId settles nothing.
    void write("mine");
    outbox.stored(aMessage({ id: 43, senderId: 2, clientId: "c3" }));
    expect(outbox.all.map((e) => e.body)).toEqual(["mine"]);
  });

  test("a server that answers 500 (restarting) is tried again", async () => {
    const { time, server, write, sent } = setUp();
    void write("x");
    await settle();
    await server.refuse({ code: "INTERNAL_SERVER_ERROR", message: "oops" });
    await time.advance(500);
    await server.accept();
    expect(sent.map((m) => m.body)).toEqual(["x"]);
  });

  test("offline: nothing is tried until the connection is back", async () => {
    let online = false;
    const { server, outbox, write } = setUp({ online: () => online });
    void write("later");
    await settle();
    expect(server.calls).toHaveLength(0);
    online = true;
    outbox.reconnected();
    await settle();
    expect(server.calls.map((c) => c.entry.body)).toEqual(["later"]);
  });
});

describe("refusals", () => {
  test("a refusal turns that message red with a reason in words; the others go on; Retry all and Discard", async () => {
    const { server, outbox, write, sent } = setUp();
    const first = write("not a member any more");
    void write("fine");
    await settle();
    await server.refuse({ code: "NOT_FOUND", message: "No such conversation" });
    expect(await first).toBeNull();
    expect(outbox.all[0]).toMatchObject({ state: "failed", refusal: "notFound" });
    expect(server.calls.at(-1)?.entry.body).toBe("fine");
    await server.accept();
    expect(sent.map((m) => m.body)).toEqual(["fine"]);

    outbox.retryAll();
    await settle();
    expect(server.calls.at(-1)?.entry).toMatchObject({ clientId: "c1", body: "not a member any more" });
    await server.refuse({ code: "BAD_REQUEST", message: "A message is at most 4000 characters" });
    expect(outbox.all[0]).toMatchObject({ refusal: "invalid", error: "A message is at most 4000 characters" });
    outbox.discard("c1");
    expect(outbox.all).toEqual([]);
  });

  test("the session ended: stop, and keep the messages", async () => {
    const { server, outbox, write, unauthorized } = setUp();
    void write("kept");
    await settle();
    await server.refuse({ code: "UNAUTHORIZED", message: "Sign in first" });
    expect(unauthorized()).toBe(1);
    expect(outbox.all.map((e) => [e.body, e.state])).toEqual([["kept", "queued"]]);
  });

  test.each([
    [{ code: "PAYLOAD_TOO_LARGE", message: "x" }, "refused"],
    [{ code: "FORBIDDEN", message: "x" }, "refused"],
    [{ code: "TOO_MANY_REQUESTS", message: "x" }, "wait"],
    [{ code: "NETWORK", message: "x" }, "wait"],
    [{ code: "UNAUTHORIZED", message: "x" }, "stop"],
  ] as const)("judgeFailure(%o) → %s", (failure, kind) => {
    expect(judgeFailure(failure, 0).kind).toBe(kind);
  });
});

describe("a reload", () => {
  test("keeps queued messages, in order, and sends them again with their clientIds", async () => {
    const storage = new MemoryStorage();
    let online = false;
    const before = setUp({ storage, online: () => online });
    void before.write("first");
    void before.write("second");
    await settle();
    before.outbox.dispose();

    online = true;
    const after = setUp({ storage, online: () => online });
    expect(after.outbox.all.map((e) => [e.clientId, e.body, e.state])).toEqual([
      ["c1", "first", "queued"],
      ["c2", "second", "queued"],
    ]);
    after.outbox.reconnected();
    await settle();
    await after.server.accept();
    await after.server.accept();
    expect(after.sent.map((m) => m.clientId)).toEqual(["c1", "c2"]);
    expect(JSON.parse(storage.getItem("parley:outbox:1") ?? "null")).toEqual([]);
  });

  test("a message on the wire when the page went away is sent again, not lost", async () => {
    const storage = new MemoryStorage();
    const before = setUp({ storage });
    void before.write("in flight");
    await settle();
    expect(before.server.calls).toHaveLength(1);
    before.outbox.dispose();
    const after = setUp({ storage });
    expect(after.outbox.all.map((e) => e.state)).toEqual(["queued"]);
    after.outbox.kick();
    await settle();
    expect(after.server.calls.map((c) => c.entry.clientId)).toEqual(["c1"]);
  });

  test("storage that holds garbage is ignored", () => {
    const storage = new MemoryStorage();
    storage.setItem("parley:outbox:1", "{not json");
    expect(setUp({ storage }).outbox.all).toEqual([]);
    storage.setItem("parley:outbox:1", JSON.stringify([{ clientId: 1 }, "x"]));
    expect(setUp({ storage }).outbox.all).toEqual([]);
  });
});
