// The test cluster itself: a real PostgreSQL, not run as root, on 127.0.0.1 only, one
// fresh database per call, and nothing left behind once stopped.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { SQL } from "bun";
import { startPostgres, type TestPostgres } from "../helpers/postgres.ts";

let pg: TestPostgres;
beforeAll(async () => {
  pg = await startPostgres();
});
afterAll(() => pg?.stop());

test("answers on 127.0.0.1 as a UTF8, C-locale cluster that is not run by root", async () => {
  const sql = new SQL({ url: pg.url, max: 1 });
  try {
    const [row] = await sql`select current_setting('server_encoding') as encoding,
      current_setting('lc_collate') as collate, current_setting('listen_addresses') as listen,
      current_setting('fsync') as fsync, current_setting('data_directory') as data`;
    expect(row).toMatchObject({ encoding: "UTF8", collate: "C", listen: "127.0.0.1", fsync: "off" });
    const owner = Bun.spawnSync(["stat", "-c", "%u", row.data]).stdout.toString().trim();
    expect(owner).not.toBe("0");
  } finally {
    await sql.close();
  }
});

test("createDatabase gives each caller an empty database of its own", async () => {
  const [a, b] = [await pg.createDatabase(), await pg.createDatabase()];
  expect(a).not.toBe(b);
  const sql = new SQL({ url: a, max: 1 });
  try {
    await sql`create table t (x int)`;
    const other = new SQL({ url: b, max: 1 });
    const [row] = await other`select count(*)::int as n from pg_tables where tablename = 't'`;
    await other.close();
    expect(row.n).toBe(0);
  } finally {
    await sql.close();
  }
});

test("stop() ends the server and removes its folder", async () => {
  const own = await startPostgres();
  const sql = new SQL({ url: own.url, max: 1 });
  const [row] = await sql`select current_setting('data_directory') as data`;
  await sql.close();
  expect(existsSync(row.data)).toBe(true);
  await own.stop();
  expect(existsSync(row.data)).toBe(false);
  const probe = new SQL({ url: own.url, max: 1, connectionTimeout: 2 });
  await expect(probe`select 1`).rejects.toThrow();
  await probe.close();
});
