// Rooms and messages for the realtime tests, through the real tRPC procedures of the
// instance given (so the chat domain's notifier calls are exercised), plus a bulk insert
// for tests that need thousands of messages.
import { eq } from "drizzle-orm";
import { takeSeq } from "../../src/chat/stream.ts";
import type { Db } from "../../src/db/client.ts";
import { onlyRow } from "../../src/db/rows.ts";
import { tablesOf } from "../../src/db/tables.ts";
import { toMessage } from "../../src/db/wire.ts";
import type { RunningServer } from "../../src/server.ts";
import type { Message } from "../../src/shared/api.ts";
import { trpcClient } from "./client.ts";

/** Someone signed up: their id and token (a TestUser fits). */
export type Member = { user: { id: number }; token: string };

const api = (server: RunningServer, member: Member) => trpcClient(server.url, member.token);

let rooms = 0;

/** A room created by the first member and joined by the others, on that instance. */
export async function createRoom(server: RunningServer, members: Member[]): Promise<number> {
  const [owner, ...others] = members;
  if (!owner) throw new Error("a room needs a member");
  rooms += 1;
  const name = `room ${rooms} ${Math.random().toString(36).slice(2, 8)}`;
  const room = await api(server, owner).rooms.create.mutate({ name });
  for (const member of others) await api(server, member).rooms.join.mutate({ id: room.id });
  return room.id;
}

export async function joinRoom(server: RunningServer, member: Member, roomId: number) {
  await api(server, member).rooms.join.mutate({ id: roomId });
}

export async function leaveRoom(server: RunningServer, member: Member, roomId: number) {
  await api(server, member).rooms.leave.mutate({ id: roomId });
}

/** history.send on that instance: committed, then announced, before it answers. */
export function send(server: RunningServer, sender: Member, conversationId: number, body: string): Promise<Message> {
  return api(server, sender).history.send.mutate({ to: { conversationId }, body });
}

export async function markRead(server: RunningServer, reader: Member, conversationId: number, upTo: number) {
  await api(server, reader).history.markRead.mutate({ conversationId, upTo });
}

/**
 * Commits a message and announces it as the chat domain does, without HTTP: for the tests
 * that need thousands of them quickly.
 */
export async function insertMessage(
  server: RunningServer,
  senderId: number,
  conversationId: number,
  body: string,
  /** The `tx` of a transaction the caller opened around many inserts. */
  db: Db = server.deps.db,
) {
  const { clock, notifier } = server.deps;
  const { conversations, messages } = tablesOf(db);
  const seq = await takeSeq(db, conversationId);
  const row = onlyRow(
    await db.insert(messages).values({ conversationId, senderId, body, seq, createdAt: clock.now() }).returning(),
  );
  await db.update(conversations).set({ lastMessageId: row.id }).where(eq(conversations.id, conversationId));
  const message = toMessage(row, { replyTo: null, reactions: [], mentions: [], attachments: [] });
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
