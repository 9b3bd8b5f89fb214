import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { setAdminFlag } from "../../src/auth/accounts.ts";
import { activityEntrySchema } from "../../src/shared/api.ts";
import { appRouter } from "../../src/trpc/router.ts";
import { postJson, signUp, type TestUser, trpcClient } from "../helpers/client.ts";
import { forEachDatabase, rawRows } from "../helpers/databases.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { failure, failureCode, recordNotifications } from "../helpers/trpc.ts";

forEachDatabase(() => {
  let server: TestServer;
  let admin: TestUser;
  let member: TestUser;

  beforeAll(async () => {
    server = await startTestServer();
    admin = await signUp(server.url, { username: "the_admin", email: "root@parley.test" });
    await setAdminFlag(server.deps, admin.user.id, true);
    member = await signUp(server.url, { username: "plain_member" });
  });
  afterAll(() => server.close());

  let recorder: ReturnType<typeof recordNotifications> | null = null;
  afterEach(() => {
    recorder?.restore();
    recorder = null;
  });

  const activityCount = async () =>
    (await rawRows<{ n: number }>(server.deps.database, "select cast(count(*) as integer) as n from activity_log"))[0]
      ?.n ?? 0;

  const meStatus = async (token: string) =>
    (await fetch(`${server.url}/trpc/users.me`, { headers: { authorization: `Bearer ${token}` } })).status;

  // Every admin procedure, called by someone who is signed in but not an admin: FORBIDDEN
  // (docs/ARCHITECTURE.md: "not an admin"), and nothing changes; without a session: UNAUTHORIZED.
  const adminCalls: Record<string, (t: TestUser["trpc"]) => Promise<unknown>> = {
    listUsers: (t) => t.admin.listUsers.query(),
    setActive: (t) => t.admin.setActive.mutate({ userId: admin.user.id, active: false, reason: "coup" }),
    setAdmin: (t) => t.admin.setAdmin.mutate({ userId: member.user.id, admin: true }),
    createResetLink: (t) => t.admin.createResetLink.mutate({ userId: admin.user.id }),
    activity: (t) => t.admin.activity.query(),
  };

  describe("a non-admin is refused every admin procedure", () => {
    test("the list covers every procedure of the admin router", () => {
      const procedures = Object.keys(appRouter._def.procedures).filter((name) => name.startsWith("admin."));
      expect(
        Object.keys(adminCalls)
          .map((name) => `admin.${name}`)
          .sort(),
      ).toEqual(procedures.sort());
    });
    for (const [name, call] of Object.entries(adminCalls)) {
      test(`admin.${name}: FORBIDDEN to a member, UNAUTHORIZED without a session`, async () => {
        const logBefore = await activityCount();
        const refused = await failure(call(member.trpc));
        expect(refused.data?.code).toBe("FORBIDDEN");
        expect(refused.data?.httpStatus).toBe(403);
        expect((await failure(call(trpcClient(server.url)))).data?.code).toBe("UNAUTHORIZED");
        // Nothing happened: no entry, the admin still active and an admin, the member not one.
        expect(await activityCount()).toBe(logBefore);
        expect(await meStatus(admin.token)).toBe(200);
        expect((await admin.trpc.users.me.query()).isAdmin).toBe(true);
        expect((await member.trpc.users.me.query()).isAdmin).toBe(false);
      });
    }
  });

  describe("admin.listUsers", () => {
    test("lists every account with isActive, searching a prefix of username or email", async () => {
      const quiet = await signUp(server.url, { username: "zz_quiet", email: "hush@elsewhere.test" });
      await rawRows(server.deps.database, "update users set is_active = false where id = ?", quiet.user.id);
      const byEmail = await admin.trpc.admin.listUsers.query({ search: "HUSH@" });
      expect(byEmail.items).toHaveLength(1);
      expect(byEmail.items[0]).toMatchObject({
        id: quiet.user.id,
        username: "zz_quiet",
        email: "hush@elsewhere.test",
        isActive: false,
        isAdmin: false,
        lastSeenAt: null,
        bio: "",
      });
      expect((await admin.trpc.admin.listUsers.query({ search: "the_" })).items.map((u) => u.id)).toEqual([
        admin.user.id,
      ]);
      const all: number[] = [];
      let cursor: number | undefined;
      for (let i = 0; i < 20; i++) {
        const page = await admin.trpc.admin.listUsers.query({ limit: 1, cursor });
        all.push(...page.items.map((u) => u.id));
        if (page.nextCursor === null) break;
        cursor = page.nextCursor;
      }
      expect(all.sort()).toEqual([admin.user.id, member.user.id, quiet.user.id].sort());
    });
  });

  describe("admin.setActive", () => {
    test("deactivating ends every session at once, closes sockets, and hides the user", async () => {
      const target = await signUp(server.url);
      const login = await postJson(`${server.url}/api/auth/login`, {
        username: target.user.username,
        password: target.password,
      });
      const secondToken = (await login.json()).token as string;
      const conversation = await member.trpc.history.send.mutate({ to: { userId: target.user.id }, body: "hi" });
      recorder = recordNotifications(server.deps);

      const result = await admin.trpc.admin.setActive.mutate({ userId: target.user.id, active: false });
      expect(result).toMatchObject({ id: target.user.id, isActive: false });
      expect(recorder.of("userDisconnected")).toEqual([[target.user.id]]);
      expect(await meStatus(target.token)).toBe(401);
      expect(await meStatus(secondToken)).toBe(401);
      const refused = await postJson(`${server.url}/api/auth/login`, {
        username: target.user.username,
        password: target.password,
      });
      // Told that the account is deactivated (the password checked out): tests/auth/hardening.test.ts.
      expect(refused.status).toBe(403);
      expect((await member.trpc.users.list.query({ search: target.user.username })).items).toEqual([]);
      expect(await failureCode(member.trpc.history.send.mutate({ to: { userId: target.user.id }, body: "x" }))).toBe(
        "NOT_FOUND",
      );
      expect(
        await failureCode(
          member.trpc.history.send.mutate({ to: { conversationId: conversation.conversationId }, body: "x" }),
        ),
      ).toBe("NOT_FOUND");

      // Reactivated: they can log in again (old tokens stay dead).
      expect((await admin.trpc.admin.setActive.mutate({ userId: target.user.id, active: true })).isActive).toBe(true);
      const back = await postJson(`${server.url}/api/auth/login`, {
        username: target.user.username,
        password: target.password,
      });
      expect(back.status).toBe(200);
      expect(await meStatus(target.token)).toBe(401);
    });

    test("an admin cannot deactivate themselves; an unknown user is NOT_FOUND", async () => {
      const self = await failure(admin.trpc.admin.setActive.mutate({ userId: admin.user.id, active: false }));
      expect(self.data?.code).toBe("BAD_REQUEST");
      expect(await meStatus(admin.token)).toBe(200);
      expect(await failureCode(admin.trpc.admin.setActive.mutate({ userId: 999_999, active: false }))).toBe(
        "NOT_FOUND",
      );
    });
  });

  describe("admin.setAdmin", () => {
    test("grants and removes admin rights, effective on the next call", async () => {
      const deputy = await signUp(server.url);
      expect(await failureCode(deputy.trpc.admin.activity.query())).toBe("FORBIDDEN");
      const granted = await admin.trpc.admin.setAdmin.mutate({ userId: deputy.user.id, admin: true });
      expect(granted).toMatchObject({ id: deputy.user.id, isAdmin: true, isActive: true });
      expect((await deputy.trpc.admin.activity.query()).items.length).toBeGreaterThan(0);
      await admin.trpc.admin.setAdmin.mutate({ userId: deputy.user.id, admin: false });
      expect(await failureCode(deputy.trpc.admin.activity.query())).toBe("FORBIDDEN");
      expect(await failureCode(admin.trpc.admin.setAdmin.mutate({ userId: admin.user.id, admin: false }))).toBe(
        "BAD_REQUEST",
      );
    });
  });

  describe("the last admin", () => {
    test("cannot be removed: the only admin may not take their own rights, nor switch themselves off", async () => {
      const admins = async () =>
        (
          await rawRows<{ id: number }>(
            server.deps.database,
            "select id from users where is_admin = true and is_active = true",
          )
        ).map((row) => row.id);
      expect(await admins()).toEqual([admin.user.id]);
      const removal = await failure(admin.trpc.admin.setAdmin.mutate({ userId: admin.user.id, admin: false }));
      expect(removal.data?.code).toBe("BAD_REQUEST");
      const switchOff = await failure(admin.trpc.admin.setActive.mutate({ userId: admin.user.id, active: false }));
      expect(switchOff.data?.code).toBe("BAD_REQUEST");
      expect(await admins()).toEqual([admin.user.id]);
      expect((await admin.trpc.users.me.query()).isAdmin).toBe(true);
    });
  });

  describe("admin.activity names people and keeps reasons", () => {
    test("a deactivation with a reason: the entry names the admin and the person, and the person's filter finds it", async () => {
      const target = await signUp(server.url, { username: "noisy_nora", firstName: "Nora", lastName: "Noise" });
      await admin.trpc.admin.setActive.mutate({ userId: target.user.id, active: false, reason: "  Spam in general  " });
      await admin.trpc.admin.setActive.mutate({ userId: target.user.id, active: true, reason: "Promised to stop" });

      const about = await admin.trpc.admin.activity.query({ personId: target.user.id });
      for (const entry of about.items) activityEntrySchema.parse(entry);
      expect(about.items.map((e) => [e.kind, e.user?.username, e.target?.username, e.detail?.reason])).toEqual([
        ["admin_set_active", "the_admin", "noisy_nora", "Promised to stop"],
        ["admin_set_active", "the_admin", "noisy_nora", "Spam in general"],
        ["signup", "noisy_nora", undefined, undefined],
      ]);
      expect(about.items[1]?.target).toEqual({
        id: target.user.id,
        username: "noisy_nora",
        firstName: "Nora",
        lastName: "Noise",
      });
      // userId is the author only: Nora made her signup, not the admin's changes.
      expect((await admin.trpc.admin.activity.query({ userId: target.user.id })).items.map((e) => e.kind)).toEqual([
        "signup",
      ]);
      // Both filters together: this person's entries of one kind.
      const kindAndPerson = await admin.trpc.admin.activity.query({ personId: target.user.id, kind: "signup" });
      expect(kindAndPerson.items.map((e) => e.kind)).toEqual(["signup"]);
    });

    test("a reason over 500 characters is refused", async () => {
      const target = await signUp(server.url);
      const refused = await failure(
        admin.trpc.admin.setActive.mutate({ userId: target.user.id, active: false, reason: "x".repeat(501) }),
      );
      expect(refused.data?.code).toBe("BAD_REQUEST");
      expect(await meStatus(target.token)).toBe(200);
    });
  });

  describe("admin.activity", () => {
    test("newest first, filtered by kind or user, paged with before; admin actions are in it", async () => {
      const subject = await signUp(server.url);
      await admin.trpc.admin.setAdmin.mutate({ userId: subject.user.id, admin: true });
      await admin.trpc.admin.setAdmin.mutate({ userId: subject.user.id, admin: false });

      const actions = await admin.trpc.admin.activity.query({ kind: "admin_set_admin" });
      expect(actions.items.slice(0, 2).map((e) => [e.userId, e.detail])).toEqual([
        [admin.user.id, { targetUserId: subject.user.id, admin: false, was: true }],
        [admin.user.id, { targetUserId: subject.user.id, admin: true, was: false }],
      ]);
      expect(actions.items[0]?.ip).toBe("127.0.0.1");
      expect(new Date(actions.items[0]?.at ?? "").toISOString()).toBe(actions.items[0]?.at ?? "");

      const mine = await admin.trpc.admin.activity.query({ userId: subject.user.id });
      expect(mine.items.map((e) => e.kind)).toEqual(["signup"]);

      const ids: number[] = [];
      let before: number | undefined;
      for (let i = 0; i < 100; i++) {
        const page = await admin.trpc.admin.activity.query({ before, limit: 3 });
        ids.push(...page.items.map((e) => e.id));
        if (page.nextCursor === null) break;
        before = page.nextCursor;
      }
      const total = (
        await rawRows<{ n: number }>(server.deps.database, "select cast(count(*) as integer) as n from activity_log")
      )[0];
      expect(ids).toHaveLength(total?.n ?? -1);
      expect(ids).toEqual([...ids].sort((a, b) => b - a));
    });
  });
});
