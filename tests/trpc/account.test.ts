// The person's own account: changing the password ends every other session (the current
// one stays), the list of signed-in devices, and ending one or all others.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { authResultSchema, sessionViewSchema } from "../../src/shared/api.ts";
import { postJson, signUp, type TestUser, trpcClient } from "../helpers/client.ts";
import { forEachDatabase, rawRows } from "../helpers/databases.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { failureCode } from "../helpers/trpc.ts";

forEachDatabase(() => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  /** Logs in again as the person, from another "browser" (user agent). */
  async function loginAgain(person: TestUser, password = person.password, userAgent = "Firefox/140.0") {
    const response = await postJson(
      `${server.url}/api/auth/login`,
      { username: person.user.username, password },
      { "user-agent": userAgent },
    );
    if (response.status !== 200) return null;
    const { token } = authResultSchema.parse(await response.json());
    return trpcClient(server.url, token);
  }

  describe("account.changePassword", () => {
    test("needs the current password, then ends every other session and keeps this one", async () => {
      const ada = await signUp(server.url);
      const laptop = await loginAgain(ada);
      if (!laptop) throw new Error("login failed");

      expect(
        await failureCode(
          ada.trpc.account.changePassword.mutate({
            currentPassword: "not it at all",
            newPassword: "a new long secret",
          }),
        ),
      ).toBe("BAD_REQUEST");
      expect((await laptop.users.me.query()).id).toBe(ada.user.id);

      const answer = await ada.trpc.account.changePassword.mutate({
        currentPassword: ada.password,
        newPassword: "a new long secret",
      });
      expect(answer.endedSessions).toBe(1);
      expect(await failureCode(laptop.users.me.query())).toBe("UNAUTHORIZED");
      expect((await ada.trpc.users.me.query()).id).toBe(ada.user.id);
      expect(await loginAgain(ada)).toBeNull();
      expect(await loginAgain(ada, "a new long secret")).not.toBeNull();

      const log = await rawRows<{ kind: string; detail: unknown }>(
        server.deps.database,
        "select kind, detail from activity_log where user_id = ? and kind like 'password%' order by id",
        ada.user.id,
      );
      // JSON text on SQLite, jsonb (an object already) on PostgreSQL.
      const parsed = log.map(({ kind, detail }) => ({
        kind,
        detail: typeof detail === "string" ? JSON.parse(detail) : detail,
      }));
      expect(parsed).toEqual([
        { kind: "password_change_failed", detail: null },
        { kind: "password_changed", detail: { endedSessions: 1 } },
      ]);
    });

    test("the new password passes the signup policy", async () => {
      const bob = await signUp(server.url);
      const call = (newPassword: string) =>
        failureCode(bob.trpc.account.changePassword.mutate({ currentPassword: bob.password, newPassword }));
      expect(await call("short")).toBe("BAD_REQUEST");
      expect(await call("password123")).toBe("BAD_REQUEST");
      expect(await call("          ")).toBe("BAD_REQUEST");
    });

    test("guessing the current password from an open session stops after 5 tries", async () => {
      const eve = await signUp(server.url);
      const wrong = () =>
        failureCode(eve.trpc.account.changePassword.mutate({ currentPassword: "guess", newPassword: "whatever long" }));
      for (let i = 0; i < 5; i++) expect(await wrong()).toBe("BAD_REQUEST");
      expect(await wrong()).toBe("TOO_MANY_REQUESTS");
      // The right one too, until the window passes.
      expect(
        await failureCode(
          eve.trpc.account.changePassword.mutate({ currentPassword: eve.password, newPassword: "whatever long" }),
        ),
      ).toBe("TOO_MANY_REQUESTS");
    });
  });

  describe("account.sessions, endSession, endOtherSessions", () => {
    test("lists the person's devices with browser, address and last activity, the current one marked", async () => {
      const carol = await signUp(server.url);
      await loginAgain(carol, carol.password, "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0");
      const list = sessionViewSchema.array().parse(await carol.trpc.account.sessions.query());
      expect(list).toHaveLength(2);
      expect(list.filter((s) => s.current)).toHaveLength(1);
      const other = list.find((s) => !s.current);
      expect(other?.userAgent).toContain("Firefox/140.0");
      expect(other?.ip).toBe("127.0.0.1");
      expect(Date.parse(other?.lastActiveAt ?? "")).toBeGreaterThan(0);
    });

    test("ends one device by its id; another person's session id is NOT_FOUND", async () => {
      const dan = await signUp(server.url);
      const phone = await loginAgain(dan);
      const erin = await signUp(server.url);
      const danSessions = await dan.trpc.account.sessions.query();
      const phoneSession = danSessions.find((s) => !s.current);
      if (!phone || !phoneSession) throw new Error("no second session");

      expect(await failureCode(erin.trpc.account.endSession.mutate({ id: phoneSession.id }))).toBe("NOT_FOUND");
      expect((await phone.users.me.query()).id).toBe(dan.user.id);

      await dan.trpc.account.endSession.mutate({ id: phoneSession.id });
      expect(await failureCode(phone.users.me.query())).toBe("UNAUTHORIZED");
      expect(await failureCode(dan.trpc.account.endSession.mutate({ id: phoneSession.id }))).toBe("NOT_FOUND");
      expect(await dan.trpc.account.sessions.query()).toHaveLength(1);
    });

    test("log out all others keeps the current session", async () => {
      const fay = await signUp(server.url);
      const others = [await loginAgain(fay), await loginAgain(fay)];
      expect((await fay.trpc.account.endOtherSessions.mutate()).endedSessions).toBe(2);
      for (const other of others)
        expect(await failureCode(other?.users.me.query() ?? Promise.resolve())).toBe("UNAUTHORIZED");
      const left = await fay.trpc.account.sessions.query();
      expect(left.map((s) => s.current)).toEqual([true]);
    });

    test("each procedure needs a session", async () => {
      const anonymous = trpcClient(server.url);
      expect(await failureCode(anonymous.account.sessions.query())).toBe("UNAUTHORIZED");
      expect(await failureCode(anonymous.account.endSession.mutate({ id: "x" }))).toBe("UNAUTHORIZED");
      expect(await failureCode(anonymous.account.endOtherSessions.mutate())).toBe("UNAUTHORIZED");
      expect(
        await failureCode(anonymous.account.changePassword.mutate({ currentPassword: "a", newPassword: "abcdefghij" })),
      ).toBe("UNAUTHORIZED");
    });
  });
});
