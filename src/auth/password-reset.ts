// Forgotten passwords. A reset link carries a random token; only its SHA-256 is stored, it
// works once and for 30 minutes, and asking for one answers the same whether the address
// belongs to an account or not. With mail configured the link is mailed; without, an
// admin makes one for the person and hands it over.
import { createHash } from "node:crypto";
import { and, count, eq, gt, isNull, sql } from "drizzle-orm";
import { logActivity } from "../db/activity.ts";
import { tablesOf } from "../db/tables.ts";
import { transaction } from "../db/transaction.ts";
import type { Deps } from "../deps.ts";
import type { ResetLink } from "../shared/api.ts";
import { AppError } from "../shared/errors.ts";
import { passwordProblem } from "./password-policy.ts";
import { endAllSessions } from "./sessions.ts";

export const RESET_TTL_MS = 30 * 60 * 1000;
/** Requests for a reset from one address within WINDOW_MS, mailed or not. */
const REQUESTS_PER_ADDRESS = 5;
/** Mails to one account within MAIL_WINDOW_MS: nobody can flood someone's inbox. */
const MAILS_PER_ACCOUNT = 3;
const WINDOW_MS = 15 * 60 * 1000;
const MAIL_WINDOW_MS = 60 * 60 * 1000;

const digest = (token: string) => createHash("sha256").update(token).digest("hex");

/** Where a reset link points, in the web client; the token rides in the fragment, never sent to a server. */
export const resetPath = (token: string) => `/reset-password#${token}`;

/** A new link for the user; earlier unused ones stop working. */
async function issueResetToken(deps: Pick<Deps, "db" | "clock">, userId: number, createdBy: number | null) {
  const token = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url");
  const now = deps.clock.now();
  const expiresAt = now + RESET_TTL_MS;
  await transaction(deps.db, async (tx) => {
    const { passwordResets } = tablesOf(tx);
    await tx
      .update(passwordResets)
      .set({ usedAt: now })
      .where(and(eq(passwordResets.userId, userId), isNull(passwordResets.usedAt)));
    await tx.insert(passwordResets).values({ userId, tokenHash: digest(token), createdAt: now, expiresAt, createdBy });
  });
  return { token, expiresAt };
}

const recentCount = async (deps: Pick<Deps, "db">, where: ReturnType<typeof and>) => {
  const { activityLog } = tablesOf(deps.db);
  return (await deps.db.select({ n: count() }).from(activityLog).where(where).limit(1))[0]?.n ?? 0;
};

/**
 * "I forgot my password": mails a link when the address is an active account's. Answers
 * nothing either way: the caller cannot tell whether the address is known. The mail is
 * sent after the answer, so its time does not tell either.
 */
export async function requestPasswordReset(
  deps: Pick<Deps, "db" | "clock" | "mailer" | "logger" | "config">,
  email: string,
  ip: string,
): Promise<void> {
  const { activityLog, users } = tablesOf(deps.db);
  const mail = deps.mailer;
  const publicUrl = deps.config.mail?.publicUrl;
  if (!mail || !publicUrl) {
    throw new AppError(
      "FORBIDDEN",
      "Password reset by email is not set up here; ask an administrator for a reset link",
    );
  }
  const now = deps.clock.now();
  const fromAddress = await recentCount(
    deps,
    and(eq(activityLog.kind, "password_reset_requested"), eq(activityLog.ip, ip), gt(activityLog.at, now - WINDOW_MS)),
  );
  if (fromAddress >= REQUESTS_PER_ADDRESS) {
    throw new AppError("TOO_MANY_REQUESTS", "Too many reset requests; try again later", undefined, WINDOW_MS / 1000);
  }
  const [user] = await deps.db.select().from(users).where(sql`lower(${users.email}) = lower(${email})`).limit(1);
  await logActivity(deps.db, { at: now, kind: "password_reset_requested", userId: user?.id ?? null, ip });
  if (!user?.isActive) return;
  const mailed = await recentCount(
    deps,
    and(
      eq(activityLog.kind, "password_reset_mailed"),
      eq(activityLog.userId, user.id),
      gt(activityLog.at, now - MAIL_WINDOW_MS),
    ),
  );
  if (mailed >= MAILS_PER_ACCOUNT) return;
  const { token } = await issueResetToken(deps, user.id, null);
  await logActivity(deps.db, { at: now, kind: "password_reset_mailed", userId: user.id, ip });
  const link = `${publicUrl}${resetPath(token)}`;
  void mail
    .send({
      to: user.email,
      subject: "Reset your Parley password",
      text: [
        `Hello ${user.firstName},`,
        "",
        "someone (hopefully you) asked to reset the password of your Parley account",
        `@${user.username}. Open this link within 30 minutes to choose a new one:`,
        "",
        link,
        "",
        "The link works once. If you did not ask for it, ignore this mail: your password",
        "stays as it is.",
      ].join("\n"),
    })
    .catch((error: unknown) => deps.logger.error({ err: error, userId: user.id }, "reset mail not sent"));
}

/**
 * Sets a new password with a reset token: once, before it expires, for an active account.
 * Every session of the account ends (whoever knew the old password is logged out).
 */
export async function resetPassword(
  deps: Pick<Deps, "db" | "clock" | "notifier">,
  token: string,
  newPassword: string,
  ip: string,
): Promise<void> {
  const { passwordResets, users } = tablesOf(deps.db);
  const invalid = () =>
    new AppError("BAD_REQUEST", "This reset link is invalid, used or expired. Ask for a new one.", {
      token: "This reset link is invalid, used or expired",
    });
  const now = deps.clock.now();
  const [found] = await deps.db
    .select({ reset: passwordResets, user: users })
    .from(passwordResets)
    .innerJoin(users, eq(users.id, passwordResets.userId))
    .where(eq(passwordResets.tokenHash, digest(token)))
    .limit(1);
  if (!found || found.reset.usedAt !== null || found.reset.expiresAt <= now || !found.user.isActive) throw invalid();
  const problem = passwordProblem(newPassword, found.user);
  if (problem) throw new AppError("BAD_REQUEST", problem, { password: problem });
  const passwordHash = await Bun.password.hash(newPassword, "argon2id");
  // Used up in the same statement that checks it is unused: two requests racing with one
  // link cannot both set a password.
  const [taken] = await deps.db
    .update(passwordResets)
    .set({ usedAt: deps.clock.now() })
    .where(and(eq(passwordResets.id, found.reset.id), isNull(passwordResets.usedAt)))
    .returning({ id: passwordResets.id });
  if (!taken) throw invalid();
  await deps.db.update(users).set({ passwordHash }).where(eq(users.id, found.user.id));
  await endAllSessions(deps, found.user.id);
  deps.notifier.userDisconnected(found.user.id);
  await logActivity(deps.db, {
    at: deps.clock.now(),
    kind: "password_reset",
    userId: found.user.id,
    detail: { byAdmin: found.reset.createdBy !== null },
    ip,
  });
}

/** An admin makes a reset link for someone (no mail here, or the mail does not arrive). */
export async function createResetLinkAsAdmin(
  deps: Pick<Deps, "db" | "clock">,
  adminId: number,
  userId: number,
  ip: string,
): Promise<ResetLink> {
  const { users } = tablesOf(deps.db);
  const [user] = await deps.db.select().from(users).where(eq(users.id, userId)).limit(1);
  if (!user) throw new AppError("NOT_FOUND", "No such user");
  if (!user.isActive) throw new AppError("BAD_REQUEST", "Reactivate the account first", { userId: "Deactivated" });
  const { token, expiresAt } = await issueResetToken(deps, userId, adminId);
  await logActivity(deps.db, {
    at: deps.clock.now(),
    kind: "admin_reset_link",
    userId: adminId,
    detail: { targetUserId: userId },
    ip,
  });
  return { path: resetPath(token), expiresAt: new Date(expiresAt).toISOString() };
}
