// An activity log entry as a sentence in the reader's language: who did what to whom,
// with the admin's reason quoted. The switch covers every kind the server writes (the type
// check fails when a new kind has no sentence); an older or unknown kind shows its label.
import type { ActivityKind } from "../../../../src/db/activity.ts";
import type { ActivityEntry, ActivityPerson } from "../../../../src/shared/api.ts";
import type { Translate } from "../../i18n/index.ts";
import { displayName } from "../../stores/people.ts";

/** The kinds the filter offers, in the order an admin looks for them. */
export const ACTIVITY_KINDS = [
  "admin_set_active",
  "admin_set_admin",
  "admin_reset_link",
  "admin_created",
  "message_deleted_by_moderator",
  "signup",
  "login",
  "login_failed",
  "login_throttled",
  "login_deactivated",
  "signup_throttled",
  "logout",
  "send_throttled",
  "password_changed",
  "password_change_failed",
  "sessions_ended",
  "password_reset_requested",
  "password_reset_mailed",
  "password_reset",
  "email_verification_mailed",
  "email_verified",
  "login_unverified",
] as const satisfies readonly ActivityKind[];

/** "Nora Noise (@nora)", or the catalogue's "Someone" for a person not known (any more). */
export function personText(t: Translate, person: ActivityPerson | null): string {
  return person ? `${displayName(person)} (@${person.username})` : t("admin.someone");
}

const text = (value: unknown) => (typeof value === "string" ? value : "");
const count = (value: unknown) => (typeof value === "number" ? value : 0);

export function activityText(t: Translate, entry: ActivityEntry): string {
  const detail = entry.detail ?? {};
  const who = entry.user ? displayName(entry.user) : t("admin.someone");
  const target = personText(t, entry.target);
  const kind = entry.kind as ActivityKind;
  switch (kind) {
    case "signup":
      return t("admin.log.signup", who);
    case "login":
      return t("admin.log.login", who);
    case "login_failed":
      return t("admin.log.loginFailed", text(detail.username));
    case "login_throttled":
      return t("admin.log.loginThrottled", text(detail.username));
    case "login_deactivated":
      return t("admin.log.loginDeactivated", who);
    case "signup_throttled":
      return t("admin.log.signupThrottled");
    case "logout":
      return t("admin.log.logout", who);
    case "send_throttled":
      return t("admin.log.sendThrottled", who, Math.ceil(count(detail.retryAfter)));
    case "admin_set_active": {
      const sentence =
        detail.active === false ? t("admin.log.deactivated", who, target) : t("admin.log.reactivated", who, target);
      return detail.reason ? t("admin.log.withReason", sentence, text(detail.reason)) : sentence;
    }
    case "admin_set_admin":
      return detail.admin === false ? t("admin.log.removedAdmin", who, target) : t("admin.log.madeAdmin", who, target);
    case "admin_created":
      return detail.existing === false ? t("admin.log.adminCreatedNew", who) : t("admin.log.adminCreated", who);
    case "message_deleted_by_moderator":
      return t("admin.log.messageDeleted", who, target);
    case "password_changed":
      return t("admin.log.passwordChanged", who, count(detail.endedSessions));
    case "password_change_failed":
      return t("admin.log.passwordChangeFailed", who);
    case "sessions_ended":
      return t("admin.log.sessionsEnded", who, count(detail.endedSessions));
    case "password_reset_requested":
      return entry.user ? t("admin.log.resetRequested", who) : t("admin.log.resetRequestedUnknown");
    case "password_reset_mailed":
      return t("admin.log.resetMailed", who);
    case "password_reset":
      return detail.byAdmin === true ? t("admin.log.resetByAdmin", who) : t("admin.log.reset", who);
    case "admin_reset_link":
      return t("admin.log.resetLinkMade", who, target);
    case "email_verification_mailed":
      return t("admin.log.verificationMailed", who);
    case "email_verified":
      return t("admin.log.emailVerified", who);
    case "login_unverified":
      return t("admin.log.loginUnverified", who);
    default: {
      // A kind this client does not know (written by a newer server): its name, readable.
      const unknown: never = kind;
      return t("admin.log.other", t("admin.kinds")[unknown] ?? String(unknown).replaceAll("_", " "));
    }
  }
}
