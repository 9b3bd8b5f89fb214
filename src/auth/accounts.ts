// Signing up, logging in and logging out.
import { eq, sql } from "drizzle-orm";
import { logActivity } from "../db/activity.ts";
import { isUniqueViolation } from "../db/errors.ts";
import { onlyRow } from "../db/rows.ts";
import type { UserRow } from "../db/schema.ts";
import { tablesOf } from "../db/tables.ts";
import type { Deps } from "../deps.ts";
import type { LoginInput, SignupInput } from "../shared/api.ts";
import { AppError } from "../shared/errors.ts";
import { awaitsVerification, mailVerificationLink } from "./email-verification.ts";
import type { LoginThrottle } from "./login-throttle.ts";
import { type AuthSession, revokeSession } from "./sessions.ts";
import type { SignupThrottle } from "./signup-throttle.ts";

// Verifying against this when the user is unknown keeps the timing of "no such user"
// the same as "wrong password".
const decoyHash = Bun.password.hash("decoy password that never matches", "argon2id");

export async function signup(
  deps: Pick<Deps, "db" | "clock">,
  input: SignupInput,
  ip: string | null,
  /** Requests from the network are throttled per address; scripts (seed, admin) are not. */
  throttle?: SignupThrottle,
  /** The account waits for its address to be confirmed (REQUIRE_EMAIL_VERIFICATION, signups from the network). */
  unverified = false,
): Promise<UserRow> {
  const { users } = tablesOf(deps.db);
  if (throttle && ip !== null) {
    const wait = await throttle.retryAfter(ip);
    if (wait > 0) {
      await logActivity(deps.db, { at: deps.clock.now(), kind: "signup_throttled", ip });
      throw new AppError(
        "TOO_MANY_REQUESTS",
        "Too many new accounts from your address; try again later",
        undefined,
        wait,
      );
    }
  }
  const taken = await deps.db
    .select({ username: users.username, email: users.email })
    .from(users)
    .where(sql`lower(${users.username}) = lower(${input.username}) or lower(${users.email}) = lower(${input.email})`);
  const fields: Record<string, string> = {};
  for (const row of taken) {
    if (row.username.toLowerCase() === input.username.toLowerCase()) fields.username = "This username is taken";
    if (row.email.toLowerCase() === input.email.toLowerCase()) fields.email = "This email is already registered";
  }
  if (Object.keys(fields).length) throw new AppError("CONFLICT", "Username or email already in use", fields);

  const passwordHash = await Bun.password.hash(input.password, "argon2id");
  const now = deps.clock.now();
  try {
    const user = onlyRow(
      await deps.db
        .insert(users)
        .values({
          username: input.username,
          email: input.email,
          firstName: input.firstName,
          lastName: input.lastName,
          passwordHash,
          createdAt: now,
          emailUnverified: unverified,
        })
        .returning(),
    );
    await logActivity(deps.db, { at: now, kind: "signup", userId: user.id, ip });
    return user;
  } catch (error) {
    // Two signups racing for one name: the unique index decides.
    if (isUniqueViolation(error)) {
      throw new AppError("CONFLICT", "Username or email already in use", {
        username: "This username is taken",
      });
    }
    throw error;
  }
}

export async function login(
  deps: Pick<Deps, "db" | "clock" | "mailer" | "logger" | "config">,
  throttle: LoginThrottle,
  input: LoginInput,
  ip: string,
  /** Has this account logged in from the requesting browser before? (known-devices.ts) */
  isKnownDevice: (userId: number) => boolean = () => false,
): Promise<UserRow> {
  const { users } = tablesOf(deps.db);
  const throttled = async (wait: number, message: string) => {
    await logActivity(deps.db, {
      at: deps.clock.now(),
      kind: "login_throttled",
      detail: { username: input.username },
      ip,
    });
    return new AppError("TOO_MANY_REQUESTS", message, undefined, wait);
  };
  const wait = await throttle.retryAfter(input.username, ip);
  if (wait > 0) throw await throttled(wait, "Too many failed logins; try again later");
  const [user] = await deps.db
    .select()
    .from(users)
    .where(sql`lower(${users.username}) = lower(${input.username})`)
    .limit(1);
  if (user && !isKnownDevice(user.id)) {
    const accountWait = await throttle.accountRetryAfter(user.id);
    if (accountWait > 0) {
      throw await throttled(
        accountWait,
        "Too many failed logins for this account; try again later, or from a device you logged in with before",
      );
    }
  }
  const valid = await Bun.password.verify(input.password, user?.passwordHash ?? (await decoyHash));
  if (!user || !valid) {
    await logActivity(deps.db, {
      at: deps.clock.now(),
      kind: "login_failed",
      userId: user?.id ?? null,
      detail: { username: input.username },
      ip,
    });
    throw new AppError("UNAUTHORIZED", "Wrong username or password");
  }
  // Said only once the password checked out: a guesser learns nothing from it.
  if (!user.isActive) {
    await logActivity(deps.db, { at: deps.clock.now(), kind: "login_deactivated", userId: user.id, ip });
    throw new AppError("FORBIDDEN", "This account is deactivated. Ask an administrator to reactivate it.");
  }
  // Also only now: a confirmation link goes (again) to the address, and the login waits for it.
  if (awaitsVerification(deps, user)) {
    await logActivity(deps.db, { at: deps.clock.now(), kind: "login_unverified", userId: user.id, ip });
    await mailVerificationLink(deps, user, ip);
    throw new AppError("FORBIDDEN", "Confirm your email address first: we sent a link to it. Open it, then log in.", {
      email: "Not confirmed yet",
    });
  }
  await logActivity(deps.db, { at: deps.clock.now(), kind: "login", userId: user.id, ip });
  return user;
}

/** Ends the session: its token stops working and the sockets it opened close. */
export async function logout(
  deps: Pick<Deps, "db" | "clock" | "notifier">,
  session: AuthSession,
  ip: string,
): Promise<void> {
  await revokeSession(deps, session.sessionId);
  await logActivity(deps.db, { at: deps.clock.now(), kind: "logout", userId: session.user.id, ip });
  deps.notifier.userSessionEnded(session.user.id, session.sessionId);
}

export async function findUserByUsername(deps: Pick<Deps, "db">, username: string) {
  const { users } = tablesOf(deps.db);
  return (await deps.db.select().from(users).where(sql`lower(${users.username}) = lower(${username})`).limit(1))[0];
}

/** Admin rights as the row holds them now (a session's copy may be a moment old). */
export async function hasAdminRights(deps: Pick<Deps, "db">, userId: number): Promise<boolean> {
  const { users } = tablesOf(deps.db);
  const [row] = await deps.db.select({ isAdmin: users.isAdmin }).from(users).where(eq(users.id, userId)).limit(1);
  return row?.isAdmin === true;
}

export async function setAdminFlag(deps: Pick<Deps, "db">, userId: number, isAdmin: boolean) {
  const { users } = tablesOf(deps.db);
  return (await deps.db.update(users).set({ isAdmin }).where(eq(users.id, userId)).returning())[0];
}
