// A room's system lines change what the client shows of the room: its name, topic,
// whether it is archived at once (these are idempotent: a line seen twice changes
// nothing more); member counts and roles come from the server with the list reload that
// follows, so a line replayed by a catch-up is never counted twice.
import type { Message, RoomEvent } from "../../../src/shared/api.ts";
import type { createConversationsStore } from "./conversations.ts";

type Conversations = ReturnType<typeof createConversationsStore>;

export function applyRoomEvent(conversations: Conversations, message: Message & { event: RoomEvent }) {
  const { event } = message;
  conversations.updateRoom(message.conversationId, (conversation) => {
    if (event.type === "renamed") conversation.name = event.to;
    if (!conversation.room) return;
    if (event.type === "topic") conversation.room.topic = event.topic;
    if (event.type === "archived") conversation.room.archived = event.archived;
  });
  void conversations.refresh();
}

/** Whether a line changes who is in the room or what they may do (the member list reloads). */
export const changesMembers = (event: RoomEvent) =>
  event.type !== "renamed" && event.type !== "topic" && event.type !== "archived";
