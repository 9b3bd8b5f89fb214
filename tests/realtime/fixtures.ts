// Conversations and messages for the realtime tests, written the way the chat domain does:
// commit first, then tell the notifier.
import { eq } from "drizzle-orm";
import { toMessage } from "../../src/chat/wire.ts";
import { conversations, members, messages } from "../../src/db/schema.ts";
import type { RunningServer } from "../../src/server.ts";
import type { Conversation, Message } from "../../src/shared/api.ts";

/** A room with these members; each member's sockets are told (and subscribed). */
export function createRoom(server: RunningServer, name: string, userIds: number[]): number {
  const { db, clock, notifier } = server.deps;
  const now = clock.now();
  const room = db
    .insert(conversations)
    .values({ kind: "room", name, createdBy: userIds[0] ?? null, createdAt: now })
    .returning()
    .get();
  for (const userId of userIds) {
    db.insert(members).values({ conversationId: room.id, userId, joinedAt: now }).run();
  }
  const view: Conversation = { id: room.id, kind: "room", name, unread: 0 };
  for (const userId of userIds) notifier.conversationAdded(userId, view);
  return room.id;
}

/** Adds a member to an existing room, as rooms.join does. */
export function joinRoom(server: RunningServer, conversationId: number, userId: number, name = "room") {
  const { db, clock, notifier } = server.deps;
  db.insert(members).values({ conversationId, userId, joinedAt: clock.now() }).run();
  notifier.conversationAdded(userId, { id: conversationId, kind: "room", name, unread: 0 });
}

/** Commits a message, then announces it. */
export function sendMessage(server: RunningServer, senderId: number, conversationId: number, body: string): Message {
  const { db, clock, notifier } = server.deps;
  const row = db.insert(messages).values({ conversationId, senderId, body, createdAt: clock.now() }).returning().get();
  db.update(conversations).set({ lastMessageId: row.id }).where(eq(conversations.id, conversationId)).run();
  const message = toMessage(row);
  notifier.message(message);
  return message;
}

/** Polls `condition` until it holds, failing after `timeoutMs`. */
export async function eventually(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await Bun.sleep(20);
  }
}

export async function busState(server: RunningServer): Promise<string> {
  const response = await fetch(`${server.url}/api/health`);
  return ((await response.json()) as { bus: string }).bus;
}
