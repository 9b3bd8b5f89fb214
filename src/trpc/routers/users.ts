import { listUsers, usersByIds } from "../../chat/directory.ts";
import { toUser } from "../../db/wire.ts";
import { usersByIdsInput, usersListInput } from "../../shared/api.ts";
import { protectedProcedure, router } from "../init.ts";

export const usersRouter = router({
  me: protectedProcedure.query(async ({ ctx }) => {
    const online = await ctx.deps.presence.online([ctx.session.user.id]);
    return toUser(ctx.session.user, online.has(ctx.session.user.id));
  }),
  list: protectedProcedure
    .input(usersListInput)
    .query(({ ctx, input }) => listUsers(ctx.deps, ctx.session.user.id, input)),
  byIds: protectedProcedure
    .input(usersByIdsInput)
    .query(({ ctx, input }) => usersByIds(ctx.deps, ctx.session.user.id, input.ids)),
});
