import { createRoom, joinRoom, leaveRoom, listRooms } from "../../chat/rooms.ts";
import { roomIdInput, roomNameInput, roomsListInput } from "../../shared/api.ts";
import { protectedProcedure, router } from "../init.ts";

export const roomsRouter = router({
  create: protectedProcedure
    .input(roomNameInput)
    .mutation(({ ctx, input }) => createRoom(ctx.deps, ctx.session.user.id, input.name)),
  join: protectedProcedure
    .input(roomIdInput)
    .mutation(({ ctx, input }) => joinRoom(ctx.deps, ctx.session.user.id, input.id)),
  leave: protectedProcedure.input(roomIdInput).mutation(({ ctx, input }) => {
    leaveRoom(ctx.deps, ctx.session.user.id, input.id);
  }),
  list: protectedProcedure
    .input(roomsListInput)
    .query(({ ctx, input }) => listRooms(ctx.deps, ctx.session.user.id, input)),
});
