import { changePassword } from "../../auth/password-change.ts";
import { updateProfile } from "../../auth/profile.ts";
import { endOwnSession, listSessions, logOutOtherDevices } from "../../auth/sessions.ts";
import { blockedUsers, blockUser, unblockUser } from "../../chat/blocks.ts";
import { notificationSettings, updateNotificationSettings } from "../../chat/notification-settings.ts";
import {
  blockInput,
  changePasswordInput,
  notificationSettingsInput,
  profileInput,
  sessionIdInput,
} from "../../shared/api.ts";
import { protectedProcedure, router } from "../init.ts";

/** The caller's own account: profile, password, signed-in devices and the people they blocked. */
export const accountRouter = router({
  updateProfile: protectedProcedure
    .input(profileInput)
    .mutation(({ ctx, input }) => updateProfile(ctx.deps, ctx.session.user.id, input)),
  changePassword: protectedProcedure
    .input(changePasswordInput)
    .mutation(({ ctx, input }) => changePassword(ctx.deps, ctx.session, input, ctx.ip())),
  sessions: protectedProcedure.query(({ ctx }) => listSessions(ctx.deps, ctx.session)),
  endSession: protectedProcedure.input(sessionIdInput).mutation(async ({ ctx, input }) => {
    await endOwnSession(ctx.deps, ctx.session, input.id);
  }),
  /** Desktop notifications (all, mentions, off) and the dismissed prompt: they follow the person. */
  notificationSettings: protectedProcedure.query(({ ctx }) => notificationSettings(ctx.deps, ctx.session.user.id)),
  setNotificationSettings: protectedProcedure
    .input(notificationSettingsInput)
    .mutation(({ ctx, input }) => updateNotificationSettings(ctx.deps, ctx.session.user.id, input)),
  endOtherSessions: protectedProcedure.mutation(({ ctx }) => logOutOtherDevices(ctx.deps, ctx.session, ctx.ip())),
  blocks: protectedProcedure.query(({ ctx }) => blockedUsers(ctx.deps, ctx.session.user.id)),
  block: protectedProcedure.input(blockInput).mutation(async ({ ctx, input }) => {
    await blockUser(ctx.deps, ctx.session.user.id, input.userId);
  }),
  unblock: protectedProcedure.input(blockInput).mutation(async ({ ctx, input }) => {
    await unblockUser(ctx.deps, ctx.session.user.id, input.userId);
  }),
});
