// The admin page's activity log as sentences: every kind the server writes has one in
// English and German, naming the people (never an id) and quoting an admin's reason.
import { describe, expect, test } from "bun:test";
import type { ActivityEntry } from "../../src/shared/api.ts";
import { ACTIVITY_KINDS, activityText } from "../../web/src/components/admin/activity-text.ts";
import { en } from "../../web/src/i18n/en.ts";
import { createI18n } from "../../web/src/i18n/index.ts";

const ada = { id: 1, username: "ada", firstName: "Ada", lastName: "Admin" };
const nora = { id: 42, username: "nora", firstName: "Nora", lastName: "Noise" };
const entry = (kind: string, detail: Record<string, unknown> | null = null): ActivityEntry => ({
  id: 7,
  at: "2026-12-02T10:00:00.000Z",
  userId: ada.id,
  user: ada,
  target: detail && "targetUserId" in detail ? nora : null,
  kind,
  detail,
  ip: "127.0.0.1",
});

const english = createI18n({ languages: ["en"] }).t;
const german = createI18n({ languages: ["de"] }).t;

describe("activity sentences", () => {
  test("the filter offers every kind the server writes", () => {
    expect([...ACTIVITY_KINDS].sort() as string[]).toEqual(Object.keys(en.admin.kinds).sort());
  });

  for (const kind of ACTIVITY_KINDS) {
    test(`${kind}: a sentence in both languages, without ids or raw JSON`, () => {
      const detail = { targetUserId: nora.id, active: false, admin: true, username: "ada", endedSessions: 2 };
      for (const t of [english, german]) {
        const sentence = activityText(t, entry(kind, detail));
        expect(sentence).not.toContain(kind);
        expect(sentence).not.toMatch(/undefined|null|\{|"|\b42\b/);
        expect(sentence.length).toBeGreaterThan(10);
      }
    });
  }

  test("a deactivation names both people and quotes the reason", () => {
    const deactivation = entry("admin_set_active", { targetUserId: nora.id, active: false, reason: "Spam" });
    expect(activityText(english, deactivation)).toBe("Ada Admin deactivated Nora Noise (@nora): “Spam”");
    expect(activityText(german, deactivation)).toBe("Ada Admin hat Nora Noise (@nora) deaktiviert: „Spam“");
    const back = entry("admin_set_active", { targetUserId: nora.id, active: true });
    expect(activityText(english, back)).toBe("Ada Admin reactivated Nora Noise (@nora)");
  });

  test("someone unknown (a deleted account) is 'Someone', and an unknown kind shows its words", () => {
    expect(activityText(english, { ...entry("logout"), user: null, userId: null })).toBe("Someone logged out");
    expect(activityText(german, { ...entry("logout"), user: null, userId: null })).toBe("Jemand hat sich abgemeldet");
    expect(activityText(english, entry("avatar_changed_somehow"))).toBe("avatar changed somehow");
  });
});
