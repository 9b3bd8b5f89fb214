// The activity log: who did what, for the admin page and for audits.
import type { Db } from "./client.ts";
import { tablesOf } from "./tables.ts";

export type ActivityKind =
  | "signup"
  | "login"
  | "login_failed"
  | "login_throttled"
  | "login_deactivated"
  | "signup_throttled"
  | "logout"
  | "send_throttled"
  | "admin_set_active"
  | "admin_set_admin"
  | "admin_created"
  | "message_deleted_by_moderator"
  | "password_changed"
  | "password_change_failed"
  | "sessions_ended"
  | "password_reset_requested"
  | "password_reset_mailed"
  | "password_reset"
  | "admin_reset_link"
  | "email_verification_mailed"
  | "email_verified"
  | "login_unverified";

export async function logActivity(
  db: Db,
  entry: {
    at: number;
    kind: ActivityKind;
    userId?: number | null;
    detail?: Record<string, unknown>;
    ip?: string | null;
  },
): Promise<void> {
  const { activityLog } = tablesOf(db);
  await db.insert(activityLog).values({
    at: entry.at,
    kind: entry.kind,
    userId: entry.userId ?? null,
    detail: entry.detail ?? null,
    ip: entry.ip ?? null,
  });
}
