import { changePassword } from "../../auth/password-change.ts";
import { updateProfile } from "../../auth/profile.ts";
import { endOwnSession, listSessions, logOutOtherDevices } from "../../auth/sessions.ts";
import { changePasswordInput, profileInput, sessionIdInput } from "../../shared/api.ts";
import { protectedProcedure, router } from "../init.ts";

/** The caller's own account: profile, password and signed-in devices. */
export const accountRouter = router({
  updateProfile: protectedProcedure
    .input(profileInput)
    .mutation(({ ctx, input }) => updateProfile(ctx.deps, ctx.session.user.id, input)),
  changePassword: protectedProcedure
    .input(changePasswordInput)
    .mutation(({ ctx, input }) => changePassword(ctx.deps, ctx.session, input, ctx.ip)),
  sessions: protectedProcedure.query(({ ctx }) => listSessions(ctx.deps, ctx.session)),
  endSession: protectedProcedure.input(sessionIdInput).mutation(({ ctx, input }) => {
    endOwnSession(ctx.deps, ctx.session, input.id);
  }),
  endOtherSessions: protectedProcedure.mutation(({ ctx }) => logOutOtherDevices(ctx.deps, ctx.session, ctx.ip)),
});
