import { createResetLinkAsAdmin } from "../../auth/password-reset.ts";
import { listAccounts, listActivity, setAccountActive, setAccountAdmin } from "../../chat/admin.ts";
import { activityInput, adminListUsersInput, resetLinkInput, setActiveInput, setAdminInput } from "../../shared/api.ts";
import { adminProcedure, router } from "../init.ts";

export const adminRouter = router({
  listUsers: adminProcedure.input(adminListUsersInput).query(({ ctx, input }) => listAccounts(ctx.deps, input)),
  setActive: adminProcedure
    .input(setActiveInput)
    .mutation(({ ctx, input }) =>
      setAccountActive(ctx.deps, ctx.session.user.id, input.userId, input.active, ctx.ip(), input.reason),
    ),
  setAdmin: adminProcedure
    .input(setAdminInput)
    .mutation(({ ctx, input }) => setAccountAdmin(ctx.deps, ctx.session.user.id, input.userId, input.admin, ctx.ip())),
  /** A password reset link for someone, to hand over by other means (no mail needed). */
  createResetLink: adminProcedure
    .input(resetLinkInput)
    .mutation(({ ctx, input }) => createResetLinkAsAdmin(ctx.deps, ctx.session.user.id, input.userId, ctx.ip())),
  activity: adminProcedure.input(activityInput).query(({ ctx, input }) => listActivity(ctx.deps, input)),
});
