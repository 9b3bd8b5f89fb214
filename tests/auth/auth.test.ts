import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { postJson, signUp } from "../helpers/client.ts";
import { forEachDatabase, rawRows } from "../helpers/databases.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

forEachDatabase(() => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  const valid = (username: string) => ({
    username,
    email: `${username}@example.com`,
    firstName: "  Ada ",
    lastName: "Lovelace",
    password: "analytical engine",
  });

  describe("signup", () => {
    test("creates the account, trims names, and sets an HttpOnly SameSite=Lax session cookie", async () => {
      const response = await postJson(`${server.url}/api/auth/signup`, valid("ada"));
      expect(response.status).toBe(201);
      const body = await response.json();
      expect(body.user).toMatchObject({ username: "ada", firstName: "Ada", lastName: "Lovelace", isAdmin: false });
      expect(body.user.passwordHash).toBeUndefined();
      expect(typeof body.token).toBe("string");
      const cookie = response.headers.get("set-cookie") ?? "";
      expect(cookie).toContain(`session=${body.token}`);
      expect(cookie).toContain("HttpOnly");
      expect(cookie).toContain("SameSite=Lax");
      expect(cookie).not.toContain("Secure");
    });

    test("reports every invalid field at once", async () => {
      const response = await postJson(`${server.url}/api/auth/signup`, {
        username: "a b",
        email: "nope",
        firstName: "   ",
        lastName: "x".repeat(65),
        password: "short",
      });
      expect(response.status).toBe(400);
      const body = await response.json();
      expect(body.error.code).toBe("BAD_REQUEST");
      expect(Object.keys(body.error.fields).sort()).toEqual(["email", "firstName", "lastName", "password", "username"]);
    });

    test("a username taken in another case, or a used email, is a CONFLICT on that field", async () => {
      await signUp(server.url, { username: "Grace" });
      const sameName = await postJson(`${server.url}/api/auth/signup`, valid("grace"));
      expect(sameName.status).toBe(409);
      expect((await sameName.json()).error.fields.username).toBeDefined();
      const sameEmail = await postJson(`${server.url}/api/auth/signup`, {
        ...valid("hopper"),
        email: "GRACE@example.com",
      });
      expect(sameEmail.status).toBe(409);
      expect((await sameEmail.json()).error.fields.email).toBeDefined();
    });

    test("a body that is not JSON is a BAD_REQUEST, and one over 64 KiB is refused with 413", async () => {
      const broken = await postJson(`${server.url}/api/auth/signup`, "{not json");
      expect(broken.status).toBe(400);
      expect((await broken.json()).error.code).toBe("BAD_REQUEST");
      const huge = await postJson(`${server.url}/api/auth/signup`, { ...valid("big"), lastName: "x".repeat(70_000) });
      expect(huge.status).toBe(413);
      expect((await huge.json()).error.code).toBe("PAYLOAD_TOO_LARGE");
    });
  });

  describe("login and sessions", () => {
    test("logs in case-insensitively; the token works as bearer and as cookie", async () => {
      const alan = await signUp(server.url, { username: "Alan" });
      const response = await postJson(`${server.url}/api/auth/login`, { username: "alan", password: alan.password });
      expect(response.status).toBe(200);
      const { token } = await response.json();
      const viaBearer = await fetch(`${server.url}/trpc/users.me`, { headers: { authorization: `Bearer ${token}` } });
      expect((await viaBearer.json()).result.data.username).toBe("Alan");
      const viaCookie = await fetch(`${server.url}/trpc/users.me`, { headers: { cookie: `session=${token}` } });
      expect((await viaCookie.json()).result.data.username).toBe("Alan");
    });

    test("a wrong password and an unknown user get the same 401 body", async () => {
      const kay = await signUp(server.url);
      const wrong = await postJson(`${server.url}/api/auth/login`, {
        username: kay.user.username,
        password: "wrong password",
      });
      const unknown = await postJson(`${server.url}/api/auth/login`, {
        username: "nobody_here",
        password: "wrong password",
      });
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      expect(await wrong.json()).toEqual(await unknown.json());
    });

    test("after 10 failures the right password is refused with 429 and Retry-After", async () => {
      const target = await signUp(server.url);
      for (let i = 0; i < 10; i++) {
        const r = await postJson(`${server.url}/api/auth/login`, {
          username: target.user.username,
          password: `guess ${i}`,
        });
        expect(r.status).toBe(401);
      }
      const blocked = await postJson(`${server.url}/api/auth/login`, {
        username: target.user.username,
        password: target.password,
      });
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
      expect((await blocked.json()).error.code).toBe("TOO_MANY_REQUESTS");
    });

    test("logout ends that session only, and clears the cookie", async () => {
      const lin = await signUp(server.url);
      const second = await postJson(`${server.url}/api/auth/login`, {
        username: lin.user.username,
        password: lin.password,
      });
      const otherToken = (await second.json()).token;
      const out = await fetch(`${server.url}/api/auth/logout`, {
        method: "POST",
        headers: { authorization: `Bearer ${lin.token}` },
      });
      expect(out.status).toBe(204);
      expect(out.headers.get("set-cookie")).toContain("Max-Age=0");
      const after = await fetch(`${server.url}/trpc/users.me`, { headers: { authorization: `Bearer ${lin.token}` } });
      expect(after.status).toBe(401);
      const other = await fetch(`${server.url}/trpc/users.me`, { headers: { authorization: `Bearer ${otherToken}` } });
      expect(other.status).toBe(200);
    });

    test("a forged or tampered token is refused", async () => {
      const eve = await signUp(server.url);
      const [header, payload, signature] = eve.token.split(".");
      const claims = JSON.parse(Buffer.from(payload ?? "", "base64url").toString());
      const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, uid: 1 })).toString("base64url")}.${signature}`;
      const response = await fetch(`${server.url}/trpc/users.me`, { headers: { authorization: `Bearer ${forged}` } });
      expect(response.status).toBe(401);
      const none = `${Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url")}.${payload}.`;
      expect(
        (await fetch(`${server.url}/trpc/users.me`, { headers: { authorization: `Bearer ${none}` } })).status,
      ).toBe(401);
    });

    test("signups, logins, failures and logouts are written to the activity log", async () => {
      const kinds = (
        await rawRows<{ kind: string }>(server.deps.database, "select distinct kind from activity_log")
      ).map((r) => r.kind);
      expect(kinds).toEqual(expect.arrayContaining(["signup", "login", "login_failed", "logout", "login_throttled"]));
    });
  });

  describe("health", () => {
    test("reports the database and the in-process bus", async () => {
      const response = await fetch(`${server.url}/api/health`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ ok: true, db: "ok", bus: "local" });
    });

    test("OpenAPI documentation of the /api routes is served", async () => {
      const response = await fetch(`${server.url}/api/docs/json`);
      expect(response.status).toBe(200);
      const spec = await response.json();
      expect(Object.keys(spec.paths)).toEqual(
        expect.arrayContaining(["/api/auth/signup", "/api/auth/login", "/api/health"]),
      );
    });
  });
});
