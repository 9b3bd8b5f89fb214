// Signup throttle: at most SIGNUP_LIMIT accounts per address per hour (60 accounts in
// 3.5 s from one address went through before). Counted in the activity log's `signup`
// rows, in the database every instance shares, like the login throttle.
import { and, desc, eq, gt, sql } from "drizzle-orm";
import type { Clock } from "../clock.ts";
import type { Db } from "../db/client.ts";
import { tablesOf } from "../db/tables.ts";

const WINDOW_MS = 60 * 60 * 1000;

export type SignupThrottle = ReturnType<typeof createSignupThrottle>;

export function createSignupThrottle(db: Db, clock: Clock, perHour: number) {
  const { activityLog } = tablesOf(db);
  const p = sql.placeholder;
  // The `perHour`-th most recent signup from this address within the hour, if any: served
  // by activity_log_kind_ip_at.
  const limitingSignup = db
    .select({ at: activityLog.at })
    .from(activityLog)
    .where(and(eq(activityLog.kind, "signup"), eq(activityLog.ip, p("ip")), gt(activityLog.at, p("since"))))
    .orderBy(desc(activityLog.at))
    .limit(1)
    .offset(Math.max(0, perHour - 1))
    .prepare();
  return {
    /** Seconds until this address may sign up again, or 0. */
    async retryAfter(ip: string): Promise<number> {
      if (perHour === 0) return 0;
      const now = clock.now();
      const [row] = await limitingSignup.execute({ ip, since: now - WINDOW_MS });
      return row ? Math.max(1, Math.ceil((row.at + WINDOW_MS - now) / 1000)) : 0;
    },
  };
}
