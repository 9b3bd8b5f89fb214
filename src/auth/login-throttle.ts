// Failed-login throttle: 10 failures for one username from one IP, or 100 from one IP,
// within 15 minutes → refused (even with the right password) until the window passes.
// The failures are the `login_failed` rows of the activity log, in the database every
// instance shares: behind several instances an attacker gets no more attempts than
// against one.
import { and, desc, eq, gt, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { activityLog } from "../db/schema.ts";
import type { Clock } from "../deps.ts";

const WINDOW_MS = 15 * 60 * 1000;
const PER_USERNAME_AND_IP = 10;
const PER_IP = 100;

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;

export function createLoginThrottle(db: Db, clock: Clock) {
  const p = sql.placeholder;
  const recentFailures = and(
    eq(activityLog.kind, "login_failed"),
    eq(activityLog.ip, p("ip")),
    gt(activityLog.at, p("since")),
  );
  // The time of the `limit`-th most recent failure, if there are that many in the window:
  // a new attempt is allowed once it leaves the window. Served by activity_log_kind_ip_at.
  const limitingFailureFromIp = db
    .select({ at: activityLog.at })
    .from(activityLog)
    .where(recentFailures)
    .orderBy(desc(activityLog.at))
    .limit(1)
    .offset(PER_IP - 1)
    .prepare();
  const limitingFailureForUsername = db
    .select({ at: activityLog.at })
    .from(activityLog)
    .where(and(recentFailures, sql`lower(json_extract(${activityLog.detail}, '$.username')) = lower(${p("username")})`))
    .orderBy(desc(activityLog.at))
    .limit(1)
    .offset(PER_USERNAME_AND_IP - 1)
    .prepare();

  return {
    /** Seconds until a new attempt is allowed, or 0 when it is allowed now. */
    retryAfter(username: string, ip: string): number {
      const now = clock.now();
      const since = now - WINDOW_MS;
      const limiting = [
        limitingFailureFromIp.get({ ip, since }),
        limitingFailureForUsername.get({ ip, since, username }),
      ];
      const waitMs = Math.max(0, ...limiting.map((row) => (row ? row.at + WINDOW_MS - now : 0)));
      return Math.ceil(waitMs / 1000);
    },
  };
}
