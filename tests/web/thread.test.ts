// The message store's pure parts: merging without duplicates, settling pending sends.
import { describe, expect, test } from "bun:test";
import type { Message } from "../../src/shared/api.ts";
import {
  addAroundPage,
  addMessages,
  addOlderPage,
  emptyThread,
  fillUnloaded,
  mergeMessages,
  type PendingMessage,
  settlePending,
} from "../../web/src/lib/thread.ts";
import { aMessage } from "../helpers/message-fixture.ts";

const message = (id: number, extra: Partial<Message> = {}): Message => aMessage({ id, ...extra });

const pending = (clientId: string, status: PendingMessage["status"] = "pending"): PendingMessage => ({
  clientId,
  conversationId: 1,
  senderId: 1,
  body: clientId,
  createdAt: new Date().toISOString(),
  status,
});

describe("mergeMessages", () => {
  test("sorts by id and drops duplicates, keeping the first copy", () => {
    const first = message(2);
    const merged = mergeMessages([first, message(5)], [message(3), message(2, { body: "again" }), message(1)]);
    expect(merged.map((m) => m.id)).toEqual([1, 2, 3, 5]);
    expect(merged[1]).toBe(first);
  });

  test("returns the same array when nothing is new (no needless re-render)", () => {
    const existing = [message(1), message(2)];
    expect(mergeMessages(existing, [message(2)])).toBe(existing);
    expect(mergeMessages(existing, [])).toBe(existing);
  });

  test("a replay interleaved with live frames ends in one ordered copy of each", () => {
    let items: Message[] = [message(10)];
    for (const id of [12, 11, 12, 13, 11, 14]) items = mergeMessages(items, [message(id)]);
    expect(items.map((m) => m.id)).toEqual([10, 11, 12, 13, 14]);
  });
});

describe("pending messages", () => {
  test("a confirmed message settles the pending one with its clientId", () => {
    const left = settlePending([pending("a"), pending("b")], [message(7, { clientId: "a" })]);
    expect(left.map((p) => p.clientId)).toEqual(["b"]);
  });

  test("messages without clientId settle nothing", () => {
    const list = [pending("a")];
    expect(settlePending(list, [message(7)])).toBe(list);
  });

  test("the socket frame and the send answer for one message leave a single copy", () => {
    let thread = { ...emptyThread(), loaded: true, pending: [pending("c1")] };
    const confirmed = message(20, { clientId: "c1" });
    thread = addMessages(thread, [confirmed]); // from the WebSocket
    thread = addMessages(thread, [confirmed]); // from history.send's answer
    expect(thread.items.map((m) => m.id)).toEqual([20]);
    expect(thread.pending).toEqual([]);
  });
});

describe("older pages", () => {
  test("prepend, keep order, and record whether more exist", () => {
    let thread = addOlderPage(emptyThread(), { items: [message(16), message(17)], hasMore: true });
    expect(thread.loaded).toBe(true);
    thread = addOlderPage(thread, { items: [message(14), message(15)], hasMore: false });
    expect(thread.items.map((m) => m.id)).toEqual([14, 15, 16, 17]);
    expect(thread.hasMore).toBe(false);
  });
});

describe("quotes of replies follow their parent", () => {
  const parent = message(1, { body: "Fuel check at noon\nmore" });
  const reply = message(2, {
    body: "ok",
    replyTo: { id: 1, senderId: 1, excerpt: "Fuel check at noon", deleted: false },
  });
  const other = message(3);
  const thread = addMessages({ ...emptyThread(), loaded: true }, [parent, reply, other]);

  test("a deleted parent: the quote says deleted, with no text; other messages keep their objects", () => {
    const after = addMessages(thread, [{ ...parent, seq: 10, body: "", deletedAt: "2026-01-02T00:00:00.000Z" }]);
    expect(after.items[1]?.replyTo).toEqual({ id: 1, senderId: 1, excerpt: "", deleted: true });
    expect(after.items[2]).toBe(other);
  });

  test("an edited parent: the quote shows the new first line", () => {
    const after = addMessages(thread, [
      { ...parent, seq: 11, body: "Fuel check at one\nlater", editedAt: "2026-01-02T00:00:00.000Z" },
    ]);
    expect(after.items[1]?.replyTo?.excerpt).toBe("Fuel check at one");
  });

  test("a new message changes no quote", () => {
    const after = addMessages(thread, [message(4)]);
    expect(after.items[1]).toBe(thread.items[1]);
  });
});

describe("a jump far back (history.around) and the span it leaves unloaded", () => {
  const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => message(from + i));
  // The latest page: messages 900–914 of a conversation of 914.
  const latest = () => addOlderPage(emptyThread(), { items: range(900, 914), hasMore: true });

  test("a page far from the latest is held apart, with the span between noted", () => {
    const jumped = addAroundPage(latest(), { messages: range(100, 149), hasOlder: true, hasNewer: true });
    expect(jumped.items.map((m) => m.id)).toEqual([...range(100, 149), ...range(900, 914)].map((m) => m.id));
    expect(jumped.unloaded).toEqual({ after: 149, before: 900 });
    expect(jumped.hasMore).toBe(true);
  });

  test("a page that meets the latest run is merged, with nothing unloaded", () => {
    const jumped = addAroundPage(latest(), { messages: range(880, 905), hasOlder: true, hasNewer: true });
    expect(jumped.unloaded).toBeNull();
    expect(jumped.items.map((m) => m.id)).toEqual(range(880, 914).map((m) => m.id));
  });

  test("filling from the older side closes the span when it reaches the latest run", () => {
    let thread = addAroundPage(latest(), { messages: range(700, 749), hasOlder: true, hasNewer: true });
    thread = fillUnloaded(thread, { messages: range(700, 849), hasOlder: true, hasNewer: true });
    expect(thread.unloaded).toEqual({ after: 849, before: 900 });
    thread = fillUnloaded(thread, { messages: range(800, 914), hasOlder: true, hasNewer: false });
    expect(thread.unloaded).toBeNull();
    expect(thread.items.map((m) => m.id)).toEqual(range(700, 914).map((m) => m.id));
  });

  test("a second jump lets the first one's page go: one unloaded span at most", () => {
    let thread = addAroundPage(latest(), { messages: range(100, 149), hasOlder: true, hasNewer: true });
    thread = addAroundPage(thread, { messages: range(500, 549), hasOlder: true, hasNewer: true });
    expect(thread.items[0]?.id).toBe(500);
    expect(thread.unloaded).toEqual({ after: 549, before: 900 });
  });

  test("the first message of the conversation: nothing older to load", () => {
    const thread = addAroundPage(latest(), { messages: range(1, 25), hasOlder: false, hasNewer: true });
    expect(thread.hasMore).toBe(false);
    expect(thread.unloaded).toEqual({ after: 25, before: 900 });
  });
});
