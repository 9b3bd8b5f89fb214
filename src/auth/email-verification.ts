// Confirming an email address (REQUIRE_EMAIL_VERIFICATION). With the setting on, an account
// made by signing up starts unverified and cannot log in until its owner follows the link
// mailed to the address: a random token of which only a SHA-256 is stored, valid once and
// for 24 hours. A login with the right password on an unverified account is refused and
// mails a fresh link (at most 3 mails an hour to one account), so a lost or expired mail
// is never a dead end. Accounts made before the setting, or by an admin, are never asked.
import { createHash } from "node:crypto";
import { and, count, eq, gt, isNull } from "drizzle-orm";
import { logActivity } from "../db/activity.ts";
import type { UserRow } from "../db/schema.ts";
import { tablesOf } from "../db/tables.ts";
import { transaction } from "../db/transaction.ts";
import type { Deps } from "../deps.ts";
import { AppError } from "../shared/errors.ts";

export const VERIFICATION_TTL_MS = 24 * 60 * 60 * 1000;
const MAILS_PER_ACCOUNT = 3;
const MAIL_WINDOW_MS = 60 * 60 * 1000;

const digest = (token: string) => createHash("sha256").update(token).digest("hex");

/** Where a verification link points, in the web client; the token rides in the fragment. */
export const verifyPath = (token: string) => `/verify-email#${token}`;

type MailDeps = Pick<Deps, "db" | "clock" | "mailer" | "logger" | "config">;

/**
 * Mails a new verification link (earlier unused ones stop working), unless this account
 * had MAILS_PER_ACCOUNT of them within the hour. The mail is sent after the caller answers.
 */
export async function mailVerificationLink(deps: MailDeps, user: UserRow, ip: string | null): Promise<void> {
  const { activityLog } = tablesOf(deps.db);
  const mail = deps.mailer;
  const publicUrl = deps.config.mail?.publicUrl;
  if (!mail || !publicUrl) return;
  const now = deps.clock.now();
  const mailed =
    (
      await deps.db
        .select({ n: count() })
        .from(activityLog)
        .where(
          and(
            eq(activityLog.kind, "email_verification_mailed"),
            eq(activityLog.userId, user.id),
            gt(activityLog.at, now - MAIL_WINDOW_MS),
          ),
        )
        .limit(1)
    )[0]?.n ?? 0;
  if (mailed >= MAILS_PER_ACCOUNT) return;
  const token = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url");
  await transaction(deps.db, async (tx) => {
    const { emailVerifications } = tablesOf(tx);
    await tx
      .update(emailVerifications)
      .set({ usedAt: now })
      .where(and(eq(emailVerifications.userId, user.id), isNull(emailVerifications.usedAt)));
    await tx
      .insert(emailVerifications)
      .values({ userId: user.id, tokenHash: digest(token), createdAt: now, expiresAt: now + VERIFICATION_TTL_MS });
  });
  await logActivity(deps.db, { at: now, kind: "email_verification_mailed", userId: user.id, ip });
  void mail
    .send({
      to: user.email,
      subject: "Confirm your email address for Parley",
      text: [
        `Hello ${user.firstName},`,
        "",
        `please confirm that this address belongs to the Parley account @${user.username}:`,
        "open this link within 24 hours, then log in.",
        "",
        `${publicUrl}${verifyPath(token)}`,
        "",
        "The link works once. If you did not sign up, ignore this mail: the account stays",
        "unusable without it.",
      ].join("\n"),
    })
    .catch((error: unknown) => deps.logger.error({ err: error, userId: user.id }, "verification mail not sent"));
}

/** Is this account held back until its address is confirmed? Only while the setting is on. */
export function awaitsVerification(deps: Pick<Deps, "config">, user: UserRow): boolean {
  return deps.config.requireEmailVerification && user.emailUnverified;
}

/** Follows a verification link: once, before it expires. The account may log in from then on. */
export async function verifyEmail(deps: Pick<Deps, "db" | "clock">, token: string, ip: string | null): Promise<void> {
  const { emailVerifications, users } = tablesOf(deps.db);
  const invalid = () =>
    new AppError("BAD_REQUEST", "This confirmation link is invalid, used or expired. Log in to get a new one.", {
      token: "This confirmation link is invalid, used or expired",
    });
  const now = deps.clock.now();
  // Used up by the statement that checks it is unused and unexpired: two racing requests cannot both win.
  const [taken] = await deps.db
    .update(emailVerifications)
    .set({ usedAt: now })
    .where(
      and(
        eq(emailVerifications.tokenHash, digest(token)),
        isNull(emailVerifications.usedAt),
        gt(emailVerifications.expiresAt, now),
      ),
    )
    .returning({ userId: emailVerifications.userId });
  if (!taken) throw invalid();
  await deps.db.update(users).set({ emailUnverified: false }).where(eq(users.id, taken.userId));
  await logActivity(deps.db, { at: now, kind: "email_verified", userId: taken.userId, ip });
}
