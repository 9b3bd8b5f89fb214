// Forgotten passwords through a real SMTP server: the mailed link works once and for 30
// minutes, the answer is the same for unknown addresses, requests are throttled, and
// without mail an admin makes the link.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { postJson, signUp, trpcClient } from "../helpers/client.ts";
import { forEachDatabase, rawRows } from "../helpers/databases.ts";
import { fakeClock, startTestServer, type TestServer } from "../helpers/server.ts";
import { linkIn, startSmtp, type TestSmtp } from "../helpers/smtp.ts";
import { failureCode } from "../helpers/trpc.ts";

forEachDatabase(() => {
  let smtp: TestSmtp;
  let server: TestServer;
  const clock = fakeClock(Date.now());

  beforeAll(async () => {
    smtp = await startSmtp();
    // TRUST_PROXY: each test asks from its own address (X-Forwarded-For), for the throttle.
    server = await startTestServer(
      { SMTP_URL: smtp.url, PUBLIC_URL: "https://chat.example.test", TRUST_PROXY: "true" },
      { clock },
    );
  });
  afterAll(async () => {
    await server.close();
    await smtp.close();
  });

  const forgot = (email: string, ip = "10.0.0.1") =>
    postJson(`${server.url}/api/auth/forgot-password`, { email }, { "x-forwarded-for": ip });
  const reset = (token: string, password: string) =>
    postJson(`${server.url}/api/auth/reset-password`, { token, password });
  const login = (username: string, password: string) =>
    postJson(`${server.url}/api/auth/login`, { username, password });
  const tokenOf = (link: string) => link.slice(link.indexOf("#") + 1);

  describe("with SMTP_URL", () => {
    test("the options say email; a mailed link sets a new password once and ends every session", async () => {
      expect(await (await fetch(`${server.url}/api/auth/options`)).json()).toEqual({ passwordReset: "email" });
      const ada = await signUp(server.url, { email: "ada@example.com" });
      const answer = await forgot("ADA@example.com");
      expect(answer.status).toBe(202);
      const mail = await smtp.nextMailTo("ada@example.com");
      expect(mail.subject).toBe("Reset your Parley password");
      const link = linkIn(mail);
      expect(link.startsWith("https://chat.example.test/reset-password#")).toBe(true);

      // Only a digest is stored: the token itself is nowhere in the database.
      const stored = (await rawRows(server.deps.database, "select token_hash from password_resets")) as {
        token_hash: string;
      }[];
      expect(stored.some((row) => row.token_hash.includes(tokenOf(link)))).toBe(false);

      expect((await reset(tokenOf(link), "brand new secret")).status).toBe(204);
      expect(await failureCode(ada.trpc.users.me.query())).toBe("UNAUTHORIZED");
      expect((await login(ada.user.username, "brand new secret")).status).toBe(200);
      expect((await login(ada.user.username, ada.password)).status).toBe(401);

      const again = await reset(tokenOf(link), "yet another secret");
      expect(again.status).toBe(400);
      expect((await again.json()).error.fields.token).toContain("invalid, used or expired");
    });

    test("an unknown address gets the same answer and no mail", async () => {
      const known = await forgot("nobody-here@example.com", "10.0.0.2");
      expect(known.status).toBe(202);
      expect(await known.json()).toEqual({ ok: true });
      await signUp(server.url, { email: "bea@example.com" });
      const real = await forgot("bea@example.com", "10.0.0.2");
      expect(real.status).toBe(202);
      expect(await real.json()).toEqual({ ok: true });
      await smtp.nextMailTo("bea@example.com");
      expect(smtp.mails.filter((m) => m.to === "nobody-here@example.com")).toEqual([]);
    });

    test("a link expires after 30 minutes, and a newer link replaces an older one", async () => {
      await signUp(server.url, { email: "cy@example.com" });
      await forgot("cy@example.com", "10.0.0.3");
      const first = tokenOf(linkIn(await smtp.nextMailTo("cy@example.com")));
      await forgot("cy@example.com", "10.0.0.3");
      const second = tokenOf(linkIn(await smtp.nextMailTo("cy@example.com")));
      expect((await reset(first, "a fine new secret")).status).toBe(400);
      clock.advance(30 * 60 * 1000 + 1);
      expect((await reset(second, "a fine new secret")).status).toBe(400);
    });

    test("requests are throttled per address, and mails per account", async () => {
      await signUp(server.url, { email: "dee@example.com" });
      for (let i = 0; i < 5; i++) expect((await forgot("dee@example.com", "10.0.0.4")).status).toBe(202);
      const refused = await forgot("dee@example.com", "10.0.0.4");
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
      // Five requests, but at most three mails an hour reach the person.
      await smtp.nextMailTo("dee@example.com");
      await smtp.nextMailTo("dee@example.com");
      await smtp.nextMailTo("dee@example.com");
      await Bun.sleep(300);
      expect(smtp.mails.filter((m) => m.to === "dee@example.com")).toHaveLength(3);
    });

    test("a weak new password is refused and the link still works", async () => {
      await signUp(server.url, { email: "eli@example.com" });
      expect((await forgot("eli@example.com", "10.0.0.5")).status).toBe(202);
      const token = tokenOf(linkIn(await smtp.nextMailTo("eli@example.com")));
      const weak = await reset(token, "password123");
      expect(weak.status).toBe(400);
      expect((await reset(token, "a strong enough one")).status).toBe(204);
    });
  });

  describe("without SMTP_URL", () => {
    let plain: TestServer;
    beforeAll(async () => {
      plain = await startTestServer();
    });
    afterAll(() => plain.close());

    test("the options say admin and asking for a mail is refused", async () => {
      expect(await (await fetch(`${plain.url}/api/auth/options`)).json()).toEqual({ passwordReset: "admin" });
      const answer = await postJson(`${plain.url}/api/auth/forgot-password`, { email: "x@example.com" });
      expect(answer.status).toBe(403);
    });

    test("an admin makes a link; only admins may; the link works once", async () => {
      const admin = await signUp(plain.url);
      await rawRows(plain.deps.database, "update users set is_admin = true where id = ?", admin.user.id);
      const fay = await signUp(plain.url);
      const gus = await signUp(plain.url);

      expect(await failureCode(gus.trpc.admin.createResetLink.mutate({ userId: fay.user.id }))).toBe("FORBIDDEN");
      expect(await failureCode(trpcClient(plain.url).admin.createResetLink.mutate({ userId: fay.user.id }))).toBe(
        "UNAUTHORIZED",
      );
      expect(await failureCode(admin.trpc.admin.createResetLink.mutate({ userId: 987_654 }))).toBe("NOT_FOUND");

      const link = await admin.trpc.admin.createResetLink.mutate({ userId: fay.user.id });
      expect(link.path.startsWith("/reset-password#")).toBe(true);
      const token = tokenOf(link.path);
      const answer = await postJson(`${plain.url}/api/auth/reset-password`, { token, password: "from the admin ok" });
      expect(answer.status).toBe(204);
      expect(
        (await postJson(`${plain.url}/api/auth/login`, { username: fay.user.username, password: "from the admin ok" }))
          .status,
      ).toBe(200);
      const log = await rawRows<{ kind: string; userId: number; detail: unknown }>(
        plain.deps.database,
        `select kind, user_id as "userId", detail from activity_log where kind in ('admin_reset_link', 'password_reset') order by id`,
      );
      // JSON text on SQLite, jsonb (an object already) on PostgreSQL.
      const parsed = log.map((row) => ({
        ...row,
        detail: typeof row.detail === "string" ? JSON.parse(row.detail) : row.detail,
      }));
      expect(parsed).toEqual([
        { kind: "admin_reset_link", userId: admin.user.id, detail: { targetUserId: fay.user.id } },
        { kind: "password_reset", userId: fay.user.id, detail: { byAdmin: true } },
      ]);
    });
  });
});
