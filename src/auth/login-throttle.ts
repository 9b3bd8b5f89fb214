// Failed-login throttle: 10 failures for one username from one IP, or 100 from one IP,
// within 15 minutes → refused (even with the right password) until the window passes.
// And account-wide: 20 failures for one account from any addresses (a botnet behind
// TRUST_PROXY) lock it for new devices until the window passes; a browser its owner
// logged in from before still gets through (known-devices.ts).
// The failures are the `login_failed` rows of the activity log, in the database every
// instance shares: behind several instances an attacker gets no more attempts than
// against one.
import { and, desc, eq, gt, sql } from "drizzle-orm";
import type { Clock } from "../clock.ts";
import type { Db } from "../db/client.ts";
import { jsonText } from "../db/dialect.ts";
import { tablesOf } from "../db/tables.ts";

const WINDOW_MS = 15 * 60 * 1000;
const PER_USERNAME_AND_IP = 10;
const PER_IP = 100;
const PER_ACCOUNT = 20;

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;

export function createLoginThrottle(db: Db, clock: Clock) {
  // Prepared at the first login, not at start: building and preparing them was one of the
  // larger items of a start's profile, for a path that may not run for a while.
  let statements: ReturnType<typeof prepareStatements> | undefined;
  const prepared = () => {
    statements ??= prepareStatements(db);
    return statements;
  };

  const secondsUntilFree = (row: { at: number } | undefined, now: number) =>
    row ? Math.max(0, Math.ceil((row.at + WINDOW_MS - now) / 1000)) : 0;

  return {
    /** Seconds until this account takes attempts from a new device again, or 0. */
    async accountRetryAfter(userId: number): Promise<number> {
      const now = clock.now();
      const [row] = await prepared().limitingFailureForAccount.execute({ userId, since: now - WINDOW_MS });
      return secondsUntilFree(row, now);
    },

    /** Seconds until a new attempt is allowed, or 0 when it is allowed now. */
    async retryAfter(username: string, ip: string): Promise<number> {
      const now = clock.now();
      const since = now - WINDOW_MS;
      const { limitingFailureFromIp, limitingFailureForUsername } = prepared();
      const limiting = [
        ...(await limitingFailureFromIp.execute({ ip, since })),
        ...(await limitingFailureForUsername.execute({ ip, since, username })),
      ];
      const waitMs = Math.max(0, ...limiting.map((row) => (row ? row.at + WINDOW_MS - now : 0)));
      return Math.ceil(waitMs / 1000);
    },
  };
}

function prepareStatements(db: Db) {
  const { activityLog } = tablesOf(db);
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
    .where(and(recentFailures, sql`lower(${jsonText(db, activityLog.detail, "username")}) = lower(${p("username")})`))
    .orderBy(desc(activityLog.at))
    .limit(1)
    .offset(PER_USERNAME_AND_IP - 1)
    .prepare();

  // Served by activity_log_user (user_id, id), newest first.
  const limitingFailureForAccount = db
    .select({ at: activityLog.at })
    .from(activityLog)
    .where(
      and(eq(activityLog.userId, p("userId")), eq(activityLog.kind, "login_failed"), gt(activityLog.at, p("since"))),
    )
    .orderBy(desc(activityLog.id))
    .limit(1)
    .offset(PER_ACCOUNT - 1)
    .prepare();

  return { limitingFailureFromIp, limitingFailureForUsername, limitingFailureForAccount };
}
