// A changed message (edited, deleted, reacted to) comes as the same message with a higher
// seq, from an answer, a frame or a catch-up, in any order: the thread keeps the latest.
import { expect, test } from "bun:test";
import type { Message } from "../../src/shared/api.ts";
import { addMessages, emptyThread } from "../../web/src/lib/thread.ts";
import { aMessage } from "../helpers/message-fixture.ts";

const message = (id: number, seq: number, extra: Partial<Message> = {}): Message =>
  aMessage({ id, seq, senderId: 2, ...extra });

test("an edit replaces the message in place; an older copy arriving later is ignored", () => {
  let thread = addMessages(emptyThread(), [message(1, 1), message(2, 2), message(3, 3)]);
  const edited = message(2, 4, { body: "changed", editedAt: new Date().toISOString() });
  thread = addMessages(thread, [edited]);
  expect(thread.items.map((m) => m.body)).toEqual(["m1", "changed", "m3"]);
  // The original frame, late (the Redis path): the edit stays.
  thread = addMessages(thread, [message(2, 2)]);
  expect(thread.items[1]).toBe(edited);
  // The same change twice (the answer and the frame) changes nothing.
  const before = thread;
  expect(addMessages(thread, [{ ...edited }]).items).toBe(before.items);
});

test("a deletion and then a reaction on another message each keep the higher seq", () => {
  let thread = addMessages(emptyThread(), [message(1, 1), message(2, 2)]);
  const deleted = message(1, 5, { body: "", deletedAt: new Date().toISOString() });
  const reacted = message(2, 6, { reactions: [{ emoji: "🎉", userIds: [3] }] });
  thread = addMessages(thread, [reacted, deleted]);
  expect(thread.items.map((m) => [m.id, m.seq])).toEqual([
    [1, 5],
    [2, 6],
  ]);
  expect(thread.items[0]?.body).toBe("");
});
