// What the chat domain tells the realtime layer after each committed change. Messages are
// committed before they are announced, so a frame lost on the way is recovered by `resume`.
import type { Conversation, Message, UserSummary } from "../shared/api.ts";
import { type Bus, conversationTopic, userTopic } from "./bus.ts";

export type Notifier = ReturnType<typeof createNotifier>;

export function createNotifier(bus: Bus) {
  return {
    message(message: Message) {
      bus.publish({
        type: "frame",
        topic: conversationTopic(message.conversationId),
        frame: { type: "message", message },
      });
    },
    /** `conversation` is this user's own view (peer, unread). */
    conversationAdded(userId: number, conversation: Conversation) {
      bus.publish({ type: "membership", userId, conversationId: conversation.id, joined: true });
      bus.publish({ type: "frame", topic: userTopic(userId), frame: { type: "conversation", conversation } });
    },
    /** The user's own view of a conversation changed (muted or not): their other tabs follow. */
    conversationChanged(userId: number, conversation: Conversation) {
      bus.publish({ type: "frame", topic: userTopic(userId), frame: { type: "conversation", conversation } });
    },
    /** The user left or was removed: their sockets stop hearing it, their clients drop it. */
    conversationRemoved(userId: number, conversationId: number) {
      bus.publish({ type: "membership", userId, conversationId, joined: false });
      bus.publish({ type: "frame", topic: userTopic(userId), frame: { type: "removed", conversationId } });
    },
    read(conversationId: number, userId: number, upTo: number, seq: number) {
      bus.publish({
        type: "frame",
        topic: conversationTopic(conversationId),
        frame: { type: "read", conversationId, userId, upTo, seq },
      });
    },
    /** `user` changed their profile: tell `recipients` (their peers and themselves). */
    userChanged(recipients: number[], user: UserSummary) {
      if (recipients.length === 0) return;
      bus.publish({ type: "frame", topic: recipients.map(userTopic), frame: { type: "user", user } });
    },
    /** Every session of the user ended (deactivated). */
    userDisconnected(userId: number) {
      bus.publish({ type: "disconnect", userId });
    },
    /** One session ended (logout): the sockets it opened close. */
    userSessionEnded(userId: number, sessionId: string) {
      bus.publish({ type: "disconnect", userId, sessionId });
    },
  };
}
