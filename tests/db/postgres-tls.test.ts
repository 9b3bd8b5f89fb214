// A managed PostgreSQL (docs/SCALING.md) takes only TLS connections and hands out URLs with
// `?sslmode=require`. Here a real cluster that refuses every connection without TLS: Parley
// runs on it with such a URL, every one of its connections is encrypted, and a URL that
// turns TLS off is refused by the server rather than silently sent in the clear.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { SQL } from "bun";
import { openPostgresDatabase } from "../../src/db/postgres.ts";
import { signUp } from "../helpers/client.ts";
import { startPostgres, type TestPostgres } from "../helpers/postgres.ts";
import { startTestServer } from "../helpers/server.ts";

let pg: TestPostgres;
beforeAll(async () => {
  pg = await startPostgres({ tls: true });
});
afterAll(() => pg?.stop());

/** `url` with its sslmode set to `mode` (the helper's URLs carry `require`). */
const withMode = (url: string, mode: string) => {
  const parsed = new URL(url);
  parsed.searchParams.set("sslmode", mode);
  return parsed.href;
};

test("Parley runs on a TLS-only PostgreSQL with ?sslmode=require, and each of its connections is encrypted", async () => {
  const url = withMode(await pg.createDatabase("parley_tls"), "require");
  const server = await startTestServer({ DATABASE_URL: url });
  try {
    const [ada, bob] = [await signUp(server.url), await signUp(server.url)];
    const sent = await ada.trpc.history.send.mutate({ to: { userId: bob.user.id }, body: "over TLS" });
    const page = await bob.trpc.history.messages.query({ conversationId: sent.conversationId });
    expect(page.items.map((m) => m.body)).toEqual(["over TLS"]);

    const admin = new SQL({ url: withMode(pg.url, "require"), max: 1 });
    try {
      const rows = await admin`select s.ssl from pg_stat_activity a join pg_stat_ssl s using (pid)
        where a.datname = 'parley_tls' and a.client_addr is not null`;
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((r: { ssl: boolean }) => r.ssl)).toBe(true);
    } finally {
      await admin.close();
    }
  } finally {
    await server.close();
  }
});

test("with ?sslmode=disable the server refuses the connection: nothing goes in the clear", async () => {
  const url = withMode(await pg.createDatabase(), "disable");
  const opened = openPostgresDatabase(url).then(async (handle) => {
    await handle.close();
    return "opened";
  });
  await expect(opened).rejects.toThrow(/pg_hba\.conf|no encryption|SSL/i);
});
