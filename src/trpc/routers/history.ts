import { conversationViews } from "../../chat/conversations.ts";
import { messagesAround } from "../../chat/message-around.ts";
import { deleteMessage, editMessage } from "../../chat/message-changes.ts";
import { getMessage, listMessages, markRead, sendMessage } from "../../chat/messages.ts";
import { setMuted } from "../../chat/notification-settings.ts";
import { reactToMessage } from "../../chat/reactions.ts";
import { changesSince } from "../../chat/stream.ts";
import {
  aroundInput,
  changesInput,
  editInput,
  markReadInput,
  messageIdInput,
  messagesInput,
  reactInput,
  sendInput,
  setMutedInput,
} from "../../shared/api.ts";

import { protectedProcedure, router } from "../init.ts";

export const historyRouter = router({
  conversations: protectedProcedure.query(({ ctx }) => conversationViews(ctx.deps, ctx.session.user.id)),
  messages: protectedProcedure
    .input(messagesInput)
    .query(({ ctx, input }) => listMessages(ctx.deps, ctx.session.user.id, input)),
  get: protectedProcedure
    .input(messageIdInput)
    .query(({ ctx, input }) => getMessage(ctx.deps, ctx.session.user.id, input.id)),
  send: protectedProcedure
    .input(sendInput)
    .mutation(({ ctx, input }) => sendMessage(ctx.deps, ctx.session.user.id, input)),
  /** A conversation's changes after a stream number the client holds (catch-up, gaps). */
  changes: protectedProcedure
    .input(changesInput)
    .query(({ ctx, input }) => changesSince(ctx.deps.db, ctx.session.user.id, input.conversationId, input.after)),
  /** The caller's own message gets a new body (a change of the stream, like a new message). */
  edit: protectedProcedure
    .input(editInput)
    .mutation(({ ctx, input }) => editMessage(ctx.deps, ctx.session.user.id, input)),
  /** The author, or a moderator of the room, deletes a message: its body leaves the database. */
  delete: protectedProcedure
    .input(messageIdInput)
    .mutation(({ ctx, input }) => deleteMessage(ctx.deps, ctx.session.user.id, input.id, ctx.ip())),
  /** Sets (not toggles) the caller's emoji on a message: a retry changes nothing. */
  react: protectedProcedure
    .input(reactInput)
    .mutation(({ ctx, input }) => reactToMessage(ctx.deps, ctx.session.user.id, input)),
  /** A page centred on one message (a reply's parent, a search hit, a message link). */
  around: protectedProcedure
    .input(aroundInput)
    .query(({ ctx, input }) => messagesAround(ctx.deps, ctx.session.user.id, input)),
  /** The caller mutes or unmutes one of their conversations (NOT_FOUND when not in it). */
  setMuted: protectedProcedure
    .input(setMutedInput)
    .mutation(({ ctx, input }) => setMuted(ctx.deps, ctx.session.user.id, input)),
  markRead: protectedProcedure
    .input(markReadInput)
    .mutation(({ ctx, input }) => markRead(ctx.deps, ctx.session.user.id, input.conversationId, input.upTo)),
});
