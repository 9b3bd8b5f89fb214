// isUniqueViolation tells a lost race for a unique key from any other failure.
import { Database } from "bun:sqlite";
import { expect, test } from "bun:test";
import { isUniqueViolation } from "../../src/db/errors.ts";

test("a unique index refusing a row is a unique violation, wrapped or not; other errors are not", () => {
  const db = new Database(":memory:");
  db.exec("create table t (name text not null unique)");
  db.exec("insert into t values ('a')");
  let duplicate: unknown;
  try {
    db.exec("insert into t values ('a')");
  } catch (error) {
    duplicate = error;
  }
  expect(isUniqueViolation(duplicate)).toBe(true);
  expect(isUniqueViolation(new Error("query failed", { cause: duplicate }))).toBe(true);
  let missing: unknown;
  try {
    db.exec("insert into t values (null)");
  } catch (error) {
    missing = error;
  }
  expect(isUniqueViolation(missing)).toBe(false);
  expect(isUniqueViolation(new Error("UNIQUE in the message only"))).toBe(false);
  db.close();
});
