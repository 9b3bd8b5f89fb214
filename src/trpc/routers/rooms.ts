import {
  inviteToRoom,
  listRoomMembers,
  removeFromRoom,
  renameRoom,
  setRoomArchived,
  setRoomRole,
  setRoomTopic,
  transferRoom,
} from "../../chat/room-roles.ts";
import { createRoom, joinRoom, leaveRoom, listRooms } from "../../chat/rooms.ts";
import {
  createRoomInput,
  renameRoomInput,
  roomArchiveInput,
  roomIdInput,
  roomInviteInput,
  roomMemberInput,
  roomRoleInput,
  roomsListInput,
  roomTopicInput,
} from "../../shared/api.ts";
import { protectedProcedure, router } from "../init.ts";

export const roomsRouter = router({
  create: protectedProcedure
    .input(createRoomInput)
    .mutation(({ ctx, input }) => createRoom(ctx.deps, ctx.session.user.id, input.name, input.private)),
  join: protectedProcedure
    .input(roomIdInput)
    .mutation(({ ctx, input }) => joinRoom(ctx.deps, ctx.session.user.id, input.id)),
  leave: protectedProcedure.input(roomIdInput).mutation(async ({ ctx, input }) => {
    await leaveRoom(ctx.deps, ctx.session.user.id, input.id);
  }),
  list: protectedProcedure
    .input(roomsListInput)
    .query(({ ctx, input }) => listRooms(ctx.deps, ctx.session.user.id, input)),
  members: protectedProcedure
    .input(roomIdInput)
    .query(({ ctx, input }) => listRoomMembers(ctx.deps, ctx.session.user.id, input.id)),
  invite: protectedProcedure
    .input(roomInviteInput)
    .mutation(({ ctx, input }) => inviteToRoom(ctx.deps, ctx.session.user.id, input.id, input.username)),
  remove: protectedProcedure.input(roomMemberInput).mutation(async ({ ctx, input }) => {
    await removeFromRoom(ctx.deps, ctx.session.user.id, input.id, input.userId);
  }),
  setRole: protectedProcedure.input(roomRoleInput).mutation(async ({ ctx, input }) => {
    await setRoomRole(ctx.deps, ctx.session.user.id, input.id, input.userId, input.role);
  }),
  transfer: protectedProcedure.input(roomMemberInput).mutation(async ({ ctx, input }) => {
    await transferRoom(ctx.deps, ctx.session.user.id, input.id, input.userId);
  }),
  setArchived: protectedProcedure.input(roomArchiveInput).mutation(async ({ ctx, input }) => {
    await setRoomArchived(ctx.deps, ctx.session.user.id, input.id, input.archived);
  }),
  rename: protectedProcedure.input(renameRoomInput).mutation(async ({ ctx, input }) => {
    await renameRoom(ctx.deps, ctx.session.user.id, input.id, input.name);
  }),
  setTopic: protectedProcedure.input(roomTopicInput).mutation(async ({ ctx, input }) => {
    await setRoomTopic(ctx.deps, ctx.session.user.id, input.id, input.topic);
  }),
});
