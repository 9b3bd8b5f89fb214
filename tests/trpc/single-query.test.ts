// A single GET query is answered beside tRPC's fetch adapter (src/trpc/single-query.ts);
// its answers must be the adapter's. The same request with `trpc-accept: application/json`
// goes through the adapter (which treats it as a plain request), so each case compares the
// two: status, body and headers, for answers and for each kind of failure.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { setAdminFlag } from "../../src/auth/accounts.ts";
import { answerSingleQuery } from "../../src/trpc/single-query.ts";
import { signUp, type TestUser } from "../helpers/client.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

let server: TestServer;
let ada: TestUser;
let admin: TestUser;

beforeAll(async () => {
  server = await startTestServer();
  [ada, admin] = await Promise.all([signUp(server.url), signUp(server.url)]);
  await setAdminFlag(server.deps, admin.user.id, true);
});
afterAll(() => server?.close());

/** What a client sees, without what differs by request (its id, the date). */
async function seen(path: string, token: string | null, viaAdapter: boolean) {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (viaAdapter) headers["trpc-accept"] = "application/json";
  const response = await fetch(`${server.url}/trpc/${path}`, { headers });
  const shown = [...response.headers].filter(([name]) => !["x-request-id", "date"].includes(name));
  return { status: response.status, body: await response.text(), headers: shown.sort() };
}

const input = (value: unknown) => `?input=${encodeURIComponent(JSON.stringify(value))}`;

describe("a single GET query answers as the adapter does", () => {
  const cases: [string, () => string, () => string | null][] = [
    ["an answer", () => "users.me", () => ada.token],
    ["an answer to an input", () => `users.byIds${input({ ids: [ada.user.id] })}`, () => ada.token],
    ["no session: UNAUTHORIZED", () => "users.me", () => null],
    ["a token that does not verify: UNAUTHORIZED", () => "users.me", () => "not.a.token"],
    ["an invalid input: BAD_REQUEST with its fields", () => `users.byIds${input({ ids: [] })}`, () => ada.token],
    ["a domain refusal: NOT_FOUND", () => `history.get${input({ id: 999_999 })}`, () => ada.token],
    ["a member at an admin query: FORBIDDEN", () => `admin.listUsers${input({})}`, () => ada.token],
    ["an admin at an admin query", () => `admin.listUsers${input({})}`, () => admin.token],
  ];
  for (const [name, path, token] of cases) {
    test(name, async () => {
      const direct = await seen(path(), token(), false);
      const adapted = await seen(path(), token(), true);
      expect(direct).toEqual(adapted);
    });
  }
});

describe("what it leaves to the adapter", () => {
  const hooks = {
    createContext: async () => {
      throw new Error("not asked: the request is left to the adapter");
    },
    onError: () => {},
  };
  const url = (rest: string) => `http://parley.test/trpc/${rest}`;

  test("it answers a plain GET of a query", async () => {
    const context = { ...hooks, createContext: async (resHeaders: Headers) => ({ ...fakeContext(), resHeaders }) };
    const response = await answerSingleQuery(new Request(url("users.me")), context);
    expect(response?.status).toBe(401);
  });

  for (const [name, request] of [
    ["a batch", new Request(url("users.me?batch=1&input=%7B%7D"))],
    ["a stream", new Request(url("users.me"), { headers: { "trpc-accept": "application/jsonl" } })],
    ["a mutation", new Request(url("account.endOtherSessions"))],
    ["a POST", new Request(url("users.me"), { method: "POST", body: "{}" })],
    ["an input that is not JSON", new Request(url("users.byIds?input=%7Bnope"))],
    ["an unknown procedure", new Request(url("users.nope"))],
  ] as const) {
    test(name, async () => {
      expect(await answerSingleQuery(request, hooks)).toBeNull();
    });
  }

  /** A signed-out caller's context: enough for a protected query to refuse. */
  function fakeContext() {
    return { deps: server.deps, session: null, ip: () => "127.0.0.1", requestId: "test" };
  }
});
