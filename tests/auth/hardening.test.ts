// Attacks on accounts, each refused: forged token algorithms, guesses spread over many
// addresses, mass signups, common passwords, names that lie about their text, and what a
// deactivated person is told.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { setAdminFlag } from "../../src/auth/accounts.ts";
import { postJson, signUp } from "../helpers/client.ts";
import { forEachDatabase } from "../helpers/databases.ts";
import { fakeClock, startTestServer, type TestServer } from "../helpers/server.ts";

forEachDatabase(() => {
  // The preload's default timeout reaches only the first file of a run (Bun 1.4).
  setDefaultTimeout(60_000);

  const clock = fakeClock(Date.now());
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ TRUST_PROXY: "true", JWT_SECRET: "s".repeat(40) }, { clock });
  });
  afterAll(() => server.close());

  const login = (body: unknown, headers: Record<string, string> = {}) =>
    postJson(`${server.url}/api/auth/login`, body, headers);
  const from = (ip: string) => ({ "x-forwarded-for": ip });
  const valid = (username: string) => ({
    username,
    email: `${username}@example.com`,
    firstName: "Ada",
    lastName: "Lovelace",
    password: "analytical engine",
  });

  const base64url = (bytes: ArrayBuffer | Uint8Array | string) =>
    Buffer.from(typeof bytes === "string" ? bytes : new Uint8Array(bytes)).toString("base64url");

  describe("session tokens", () => {
    test("a token signed with HS512 (with the right secret and claims) is refused; HS256 is the only algorithm", async () => {
      const ada = await signUp(server.url);
      const [, payload] = ada.token.split(".");
      const header = base64url(JSON.stringify({ alg: "HS512", typ: "JWT" }));
      const key = await crypto.subtle.importKey(
        "raw",
        new TextEncoder().encode("s".repeat(40)),
        { name: "HMAC", hash: "SHA-512" },
        false,
        ["sign"],
      );
      const signature = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${header}.${payload}`));
      const forged = `${header}.${payload}.${base64url(signature)}`;
      const me = (token: string) =>
        fetch(`${server.url}/trpc/users.me`, { headers: { authorization: `Bearer ${token}` } });
      expect((await me(ada.token)).status).toBe(200);
      expect((await me(forged)).status).toBe(401);
    });
  });

  describe("guesses at one account from many addresses", () => {
    test("lock it for new devices after 20 failures; the owner's known browser still gets in; the lock ends with the window", async () => {
      const ada = await signUp(server.url);
      // The owner logged in from this browser before: it holds the device cookie.
      const earlier = await login({ username: ada.user.username, password: ada.password }, from("10.0.0.1"));
      const deviceCookie = earlier.headers
        .getSetCookie()
        .find((cookie) => cookie.startsWith("parley_device="))
        ?.split(";")[0];

      // A botnet: 20 addresses, one guess each (the per-address limits never trigger).
      for (let i = 0; i < 20; i++) {
        const guess = await login(
          { username: ada.user.username, password: `guess number ${i}` },
          from(`198.51.100.${i}`),
        );
        expect(guess.status).toBe(401);
      }
      // Now even the right password from a new address waits…
      const newDevice = await login({ username: ada.user.username, password: ada.password }, from("203.0.113.7"));
      expect(newDevice.status).toBe(429);
      expect(Number(newDevice.headers.get("retry-after"))).toBeGreaterThan(0);
      const guess = await login({ username: ada.user.username, password: "one more guess" }, from("203.0.113.8"));
      expect(guess.status).toBe(429);
      // …while the owner's browser logs in as usual, from wherever it is.
      expect(deviceCookie).toBeDefined();
      const owner = await login(
        { username: ada.user.username, password: ada.password },
        { ...from("192.0.2.55"), cookie: deviceCookie ?? "" },
      );
      expect(owner.status).toBe(200);
      // A device cookie of another account does not help.
      const bob = await signUp(server.url);
      const bobsCookie = (
        await login({ username: bob.user.username, password: bob.password }, from("10.0.0.2"))
      ).headers
        .getSetCookie()
        .find((cookie) => cookie.startsWith("parley_device="))
        ?.split(";")[0];
      const borrowed = await login(
        { username: ada.user.username, password: ada.password },
        { ...from("203.0.113.9"), cookie: bobsCookie ?? "" },
      );
      expect(borrowed.status).toBe(429);

      clock.advance(15 * 60 * 1000 + 1000);
      expect((await login({ username: ada.user.username, password: ada.password }, from("203.0.113.7"))).status).toBe(
        200,
      );
    }, 90_000); // 25 password checks (argon2id, 64 MiB each) on a busy machine
  });

  describe("signup", () => {
    test("is throttled per address (SIGNUP_LIMIT an hour), with Retry-After", async () => {
      const limited = await startTestServer({ SIGNUP_LIMIT: "3", TRUST_PROXY: "true" });
      try {
        const signup = (username: string, ip: string) =>
          postJson(`${limited.url}/api/auth/signup`, valid(username), from(ip));
        for (let i = 0; i < 3; i++) expect((await signup(`mass${i}`, "198.51.100.1")).status).toBe(201);
        const fourth = await signup("mass3", "198.51.100.1");
        expect(fourth.status).toBe(429);
        expect((await fourth.json()).error.code).toBe("TOO_MANY_REQUESTS");
        const retryAfter = Number(fourth.headers.get("retry-after"));
        expect(retryAfter).toBeGreaterThan(0);
        expect(retryAfter).toBeLessThanOrEqual(3600);
        expect((await signup("elsewhere", "198.51.100.2")).status).toBe(201);
      } finally {
        await limited.close();
      }
    });

    test("refuses the most common passwords, only whitespace, and the username or email", async () => {
      for (const [username, password] of [
        ["pw_common", "password"],
        ["pw_common2", "Password123"],
        ["pw_qwerty", "qwertyuiop"],
        ["pw_spaces", "        "],
        ["pw_tabs", " \t \t \t \t "],
        ["pw_sameasname", "PW_SAMEASNAME"],
        ["pw_email", "pw_email@example.com"],
      ] as const) {
        const response = await postJson(`${server.url}/api/auth/signup`, { ...valid(username), password });
        expect(response.status).toBe(400);
        expect((await response.json()).error.fields.password).toBeDefined();
      }
      expect((await postJson(`${server.url}/api/auth/signup`, valid("pw_fine"))).status).toBe(201);
    });

    test("refuses control and text-direction characters in first and last names", async () => {
      for (const bad of [
        "Ad\u0000a",
        "Ada\u001b[31m",
        "Ada\u0007",
        "Ada\nLovelace",
        "\u202Enimda",
        "Ada\u2066x\u2069",
      ]) {
        const response = await postJson(`${server.url}/api/auth/signup`, {
          ...valid(`nm_${Math.random().toString(36).slice(2, 8)}`),
          firstName: bad,
          lastName: bad,
        });
        expect(response.status).toBe(400);
        const { fields } = (await response.json()).error;
        expect(Object.keys(fields).sort()).toEqual(["firstName", "lastName"]);
      }
      // Letters of any script are fine, right-to-left ones included.
      const arabic = await postJson(`${server.url}/api/auth/signup`, {
        ...valid("nm_arabic"),
        firstName: "ليلى",
        lastName: "Ōtake-Ñúñez",
      });
      expect(arabic.status).toBe(201);
    });
  });

  describe("rooms", () => {
    test("names refuse control and text-direction characters", async () => {
      const ada = await signUp(server.url);
      for (const name of ["\u202Enimda", "room\u0000", "line\nbreak", "bell\u0007"]) {
        const error = await ada.trpc.rooms.create.mutate({ name }).catch((e: { data?: { code?: string } }) => e);
        expect((error as { data?: { code?: string } }).data?.code).toBe("BAD_REQUEST");
      }
    });
  });

  describe("a deactivated account", () => {
    test("is told so once the password checked out; a wrong password gets the usual answer", async () => {
      const ada = await signUp(server.url);
      const admin = await signUp(server.url);
      await setAdminFlag(server.deps, admin.user.id, true);
      await admin.trpc.admin.setActive.mutate({ userId: ada.user.id, active: false });

      const right = await login({ username: ada.user.username, password: ada.password }, from("10.1.1.1"));
      expect(right.status).toBe(403);
      const body = await right.json();
      expect(body.error.code).toBe("FORBIDDEN");
      expect(body.error.message).toContain("deactivated");
      expect(right.headers.get("set-cookie")).toBeNull();

      const wrong = await login({ username: ada.user.username, password: "not the password" }, from("10.1.1.1"));
      const unknown = await login({ username: "nobody_at_all", password: "not the password" }, from("10.1.1.1"));
      expect(wrong.status).toBe(401);
      expect(await wrong.json()).toEqual(await unknown.json());
    });
  });
});
