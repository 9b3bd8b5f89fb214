import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { setAdminFlag } from "../../src/auth/accounts.ts";
import { postJson, signUp, type TestUser } from "../helpers/client.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { failure, failureCode, recordNotifications } from "../helpers/trpc.ts";

let server: TestServer;
let admin: TestUser;
let member: TestUser;

beforeAll(async () => {
  server = await startTestServer();
  admin = await signUp(server.url, { username: "the_admin", email: "root@parley.test" });
  setAdminFlag(server.deps, admin.user.id, true);
  member = await signUp(server.url, { username: "plain_member" });
});
afterAll(() => server.close());

let recorder: ReturnType<typeof recordNotifications> | null = null;
afterEach(() => {
  recorder?.restore();
  recorder = null;
});

const meStatus = async (token: string) =>
  (await fetch(`${server.url}/trpc/users.me`, { headers: { authorization: `Bearer ${token}` } })).status;

test("every admin procedure is FORBIDDEN to others", async () => {
  const t = member.trpc.admin;
  const calls = [
    t.listUsers.query(),
    t.setActive.mutate({ userId: admin.user.id, active: false }),
    t.setAdmin.mutate({ userId: member.user.id, admin: true }),
    t.activity.query(),
  ];
  for (const call of calls) {
    const error = await failure(call);
    expect(error.data?.code).toBe("FORBIDDEN");
    expect(error.data?.httpStatus).toBe(403);
  }
  expect((await member.trpc.users.me.query()).isAdmin).toBe(false);
});

describe("admin.listUsers", () => {
  test("lists every account with isActive, searching a prefix of username or email", async () => {
    const quiet = await signUp(server.url, { username: "zz_quiet", email: "hush@elsewhere.test" });
    server.deps.database.sqlite.query("update users set is_active = 0 where id = ?").run(quiet.user.id);
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
    expect(await failureCode(admin.trpc.admin.setActive.mutate({ userId: 999_999, active: false }))).toBe("NOT_FOUND");
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
    const total = server.deps.database.sqlite.query<{ n: number }, []>("select count(*) as n from activity_log").get();
    expect(ids).toHaveLength(total?.n ?? -1);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
  });
});
