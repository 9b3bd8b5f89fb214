// People for the bench, made fast. Signing up 10,000 users through the API would take
// 10,000 argon2id hashes (~100 ms each, by design), so the bench writes users straight
// into the database with one precomputed hash and opens their sessions with the server's
// own startSession and token signer (the server is given the same JWT_SECRET). Rooms and
// their members are rows too. The tokens are real: every socket and request still goes
// through Parley's authentication.
import { startSession } from "../../src/auth/sessions.ts";
import { createTokenSigner } from "../../src/auth/tokens.ts";
import { systemClock } from "../../src/clock.ts";
import { openDatabase, type SqliteHandle } from "../../src/db/client.ts";
import type { UserRow } from "../../src/db/schema.ts";
import { JWT_SECRET } from "./processes.ts";

export type BenchUser = { id: number; token: string };

let passwordHash: Promise<string> | null = null;
/** One argon2id hash every bench user shares (bench/lib/postgres.ts too). */
export const sharedHash = () => {
  passwordHash ??= Bun.password.hash("bench password", "argon2id");
  return passwordHash;
};

/** Opens (and migrates) a database file with Parley's own code. */
export function openBenchDatabase(path: string): SqliteHandle {
  return openDatabase(path);
}

/** Inserts `count` users in one transaction; returns their ids in order. */
export async function insertUsers(handle: SqliteHandle, count: number, prefix: string): Promise<number[]> {
  const hash = await sharedHash();
  const now = Date.now();
  const insert = handle.sqlite.prepare<{ id: number }, [string, string, string, string, string, number]>(
    "insert into users (username, email, first_name, last_name, password_hash, created_at) values (?, ?, ?, ?, ?, ?) returning id",
  );
  const ids: number[] = [];
  handle.sqlite.transaction(() => {
    for (let i = 0; i < count; i++) {
      const username = `${prefix}${i}`;
      const row = insert.get(username, `${username}@bench.invalid`, "Bench", username, hash, now);
      if (row) ids.push(row.id);
    }
  })();
  return ids;
}

/** One session and bearer token per user, through src/auth/sessions.ts. */
export async function openSessions(handle: SqliteHandle, userIds: number[]): Promise<BenchUser[]> {
  const signer = createTokenSigner(JWT_SECRET);
  const deps = { db: handle.db, clock: systemClock };
  const tokens: Promise<string>[] = [];
  // startSession inserts synchronously before it awaits the signature, so the inserts
  // of the whole batch share one transaction.
  handle.sqlite.exec("BEGIN");
  try {
    for (const id of userIds) {
      const user = { id, tokenVersion: 0 } as UserRow;
      tokens.push(startSession(deps, signer, user, { userAgent: "parley-bench", ip: "127.0.0.1" }));
    }
    handle.sqlite.exec("COMMIT");
  } catch (error) {
    handle.sqlite.exec("ROLLBACK");
    throw error;
  }
  const signed = await Promise.all(tokens);
  return userIds.map((id, i) => ({ id, token: signed[i] as string }));
}

export async function createUsers(handle: SqliteHandle, count: number, prefix: string): Promise<BenchUser[]> {
  return openSessions(handle, await insertUsers(handle, count, prefix));
}

/** A room with these members (the first is its creator); returns its conversation id. */
export function createRoom(handle: SqliteHandle, name: string, memberIds: number[]): number {
  const now = Date.now();
  let id = 0;
  handle.sqlite.transaction(() => {
    const row = handle.sqlite
      .prepare<{ id: number }, [string, number, number]>(
        "insert into conversations (kind, name, created_by, created_at) values ('room', ?, ?, ?) returning id",
      )
      .get(name, memberIds[0] ?? 0, now);
    id = row?.id ?? 0;
    const member = handle.sqlite.prepare("insert into members (conversation_id, user_id, joined_at) values (?, ?, ?)");
    for (const userId of memberIds) member.run(id, userId, now);
  })();
  return id;
}
