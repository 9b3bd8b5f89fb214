// The tRPC router: one sub-router per domain. The web client imports `type AppRouter`.
import { router } from "./init.ts";
import { accountRouter } from "./routers/account.ts";
import { adminRouter } from "./routers/admin.ts";
import { historyRouter } from "./routers/history.ts";
import { roomsRouter } from "./routers/rooms.ts";
import { searchRouter } from "./routers/search.ts";
import { usersRouter } from "./routers/users.ts";

export const appRouter = router({
  users: usersRouter,
  account: accountRouter,
  history: historyRouter,
  rooms: roomsRouter,
  admin: adminRouter,
  search: searchRouter,
});

export type AppRouter = typeof appRouter;
