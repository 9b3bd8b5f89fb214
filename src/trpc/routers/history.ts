import { conversationViews } from "../../chat/conversations.ts";
import { getMessage, listMessages, markRead, sendMessage } from "../../chat/messages.ts";
import { changesSince } from "../../chat/stream.ts";
import { changesInput, markReadInput, messageIdInput, messagesInput, sendInput } from "../../shared/api.ts";

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
  markRead: protectedProcedure
    .input(markReadInput)
    .mutation(({ ctx, input }) => markRead(ctx.deps, ctx.session.user.id, input.conversationId, input.upTo)),
});
