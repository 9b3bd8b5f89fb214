// REQUIRE_EMAIL_VERIFICATION through a real SMTP server: a new account gets a mailed link
// and cannot log in until it follows it; the link works once, for 24 hours, and only its
// hash is stored; a login attempt mails a fresh one. Off by default, and it needs SMTP.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ConfigError, loadConfig } from "../../src/config.ts";
import { authResultSchema, signupPendingSchema } from "../../src/shared/api.ts";
import { postJson, signUp } from "../helpers/client.ts";
import { forEachDatabase, rawRows } from "../helpers/databases.ts";
import { fakeClock, startTestServer, type TestServer } from "../helpers/server.ts";
import { type ReceivedMail, startSmtp, type TestSmtp } from "../helpers/smtp.ts";

forEachDatabase(() => {
  let smtp: TestSmtp;
  let server: TestServer;
  const clock = fakeClock(Date.now());

  beforeAll(async () => {
    smtp = await startSmtp();
    server = await startTestServer(
      { SMTP_URL: smtp.url, PUBLIC_URL: "https://chat.example.test", REQUIRE_EMAIL_VERIFICATION: "true" },
      { clock },
    );
  });
  afterAll(async () => {
    await server.close();
    await smtp.close();
  });

  const signup = (username: string) =>
    postJson(`${server.url}/api/auth/signup`, {
      username,
      email: `${username}@example.com`,
      firstName: "New",
      lastName: "Person",
      password: "correct horse battery",
    });
  const login = (username: string) =>
    postJson(`${server.url}/api/auth/login`, { username, password: "correct horse battery" });
  const verify = (token: string) => postJson(`${server.url}/api/auth/verify-email`, { token });

  function tokenIn(mail: ReceivedMail): string {
    const link = mail.text.match(/https:\/\/chat\.example\.test\/verify-email#(\S+)/);
    if (!link?.[1]) throw new Error(`no verification link in: ${mail.text}`);
    return link[1];
  }

  describe("with REQUIRE_EMAIL_VERIFICATION", () => {
    test("signup answers 202 without a session and mails a link; login waits for it; the link works once", async () => {
      const answer = await signup("vera");
      expect(answer.status).toBe(202);
      expect(signupPendingSchema.parse(await answer.json())).toEqual({ emailVerification: "sent" });
      expect(answer.headers.get("set-cookie")).toBeNull();
      const mail = await smtp.nextMailTo("vera@example.com");
      expect(mail.subject).toBe("Confirm your email address for Parley");
      const token = tokenIn(mail);
      // Only a digest is stored.
      const stored = (await rawRows(server.deps.database, "select token_hash from email_verifications")) as {
        token_hash: string;
      }[];
      expect(stored.some((row) => row.token_hash === token)).toBe(false);

      const refused = await login("vera");
      expect(refused.status).toBe(403);
      expect((await refused.json()).error.message).toBe(
        "Confirm your email address first: we sent a link to it. Open it, then log in.",
      );
      // The refused login mailed a fresh link, which replaced the first one.
      const fresh = tokenIn(await smtp.nextMailTo("vera@example.com"));
      expect((await verify(token)).status).toBe(400);

      expect((await verify(fresh)).status).toBe(204);
      const ok = await login("vera");
      expect(ok.status).toBe(200);
      expect(authResultSchema.parse(await ok.json()).user.username).toBe("vera");
      const again = await verify(fresh);
      expect(again.status).toBe(400);
      expect((await again.json()).error.fields.token).toContain("invalid, used or expired");
    });

    test("a link expires after 24 hours", async () => {
      expect((await signup("late")).status).toBe(202);
      const token = tokenIn(await smtp.nextMailTo("late@example.com"));
      clock.advance(24 * 60 * 60 * 1000 + 1);
      expect((await verify(token)).status).toBe(400);
      expect((await login("late")).status).toBe(403);
    });

    test("a wrong password says nothing about verification, and mails nothing", async () => {
      expect((await signup("quiet")).status).toBe(202);
      await smtp.nextMailTo("quiet@example.com");
      const wrong = await postJson(`${server.url}/api/auth/login`, { username: "quiet", password: "not the password" });
      expect(wrong.status).toBe(401);
      // Proof of order: a later mail to someone else arrives, and none more to "quiet".
      expect((await signup("after")).status).toBe(202);
      await smtp.nextMailTo("after@example.com");
      expect(smtp.mails.filter((m) => m.to === "quiet@example.com")).toHaveLength(1);
    });

    test("at most 3 mails an hour reach one account, however often it tries to log in", async () => {
      expect((await signup("eager")).status).toBe(202);
      for (let i = 0; i < 4; i++) expect((await login("eager")).status).toBe(403);
      expect((await signup("later")).status).toBe(202);
      await smtp.nextMailTo("later@example.com");
      expect(smtp.mails.filter((m) => m.to === "eager@example.com")).toHaveLength(3);
    });
  });

  test("off by default: a signup starts a session at once", async () => {
    const plain = await startTestServer();
    try {
      const person = await signUp(plain.url);
      expect((await person.trpc.users.me.query()).id).toBe(person.user.id);
    } finally {
      await plain.close();
    }
  });

  test("it needs SMTP_URL: the configuration says so", () => {
    expect(() => loadConfig({ NODE_ENV: "test", REQUIRE_EMAIL_VERIFICATION: "true" })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: "test", REQUIRE_EMAIL_VERIFICATION: "true" })).toThrow(
      "REQUIRE_EMAIL_VERIFICATION: needs SMTP_URL",
    );
  });
});
