// The tRPC router: one sub-router per domain. The web client imports `type AppRouter`.
import { router } from "./init.ts";
import { usersRouter } from "./routers/users.ts";

export const appRouter = router({
  users: usersRouter,
});

export type AppRouter = typeof appRouter;
