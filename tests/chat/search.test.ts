// Prefix search is a range on lower(column), which the expression indexes serve.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { listAccounts } from "../../src/chat/admin.ts";
import { listUsers } from "../../src/chat/directory.ts";
import { listRooms } from "../../src/chat/rooms.ts";
import { lowerAscii } from "../../src/chat/search.ts";
import { sqliteOf } from "../../src/db/client.ts";
import { recordQueries } from "../helpers/query-log.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

/** The query plan of every statement `call` executes, with its parameters. */
async function plansOf(call: () => unknown): Promise<string[]> {
  const { queries } = await recordQueries(server.deps.db, call);
  expect(queries.length).toBeGreaterThan(0);
  return queries.flatMap(({ sql, params }) =>
    sqliteOf(server.deps.database)
      .query<{ detail: string }, never[]>(`explain query plan ${sql}`)
      .all(...(params as never[]))
      .map((row) => row.detail),
  );
}

test("users.list searches username, first and last name through their lower() indexes", async () => {
  const plan = await plansOf(() => listUsers(server.deps, 1, { search: "Ad" }));
  for (const index of ["users_username_lower_unique", "users_first_name_lower", "users_last_name_lower"]) {
    expect(plan.some((line) => line.includes(`USING INDEX ${index}`))).toBe(true);
  }
  expect(plan.some((line) => line.startsWith("SCAN users"))).toBe(false);
});

test("admin.listUsers searches username and email through their indexes", async () => {
  const plan = await plansOf(() => listAccounts(server.deps, { search: "ad" }));
  expect(plan.some((line) => line.includes("USING INDEX users_email_lower_unique"))).toBe(true);
  expect(plan.some((line) => line.startsWith("SCAN users"))).toBe(false);
});

test("rooms.list searches names through the name_key index", async () => {
  const plan = await plansOf(() => listRooms(server.deps, 1, { search: "gen" }));
  expect(plan.some((line) => line.includes("USING INDEX conversations_room_name_key_unique"))).toBe(true);
});

test("the search term is folded like SQLite's lower(): ASCII letters only", () => {
  expect(lowerAscii("ÉLodie O'Brien")).toBe("Élodie o'brien");
});
