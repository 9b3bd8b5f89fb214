import { searchMessages } from "../../chat/message-search.ts";
import { searchInput } from "../../shared/search.ts";
import { protectedProcedure, router } from "../init.ts";

export const searchRouter = router({
  /** Full-text search of the messages in the caller's conversations. */
  messages: protectedProcedure
    .input(searchInput)
    .query(({ ctx, input }) => searchMessages(ctx.deps, ctx.session.user.id, input)),
});
