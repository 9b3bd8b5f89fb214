// Ordering across concurrent writers on PostgreSQL (issue 18). A conversation's change
// stream numbers each change by an UPDATE of the conversation's counter inside the
// change's transaction (src/chat/stream.ts takeSeq). On PostgreSQL that UPDATE takes the
// row's lock until commit, so a second writer waits for the first to commit and numbers
// become visible in order: a reader holding n that asks for "the changes after n" never
// skips one. Two real connections interleave two transactions to prove it; a plain
// sequence, shown first, would not do. See docs/DECISIONS.md ("PostgreSQL").
import { afterAll, beforeAll, expect, test } from "bun:test";
import { SQL } from "bun";
import { and, asc, eq, gt, sql } from "drizzle-orm";
import { openPostgres, type PgDb, type PgHandle } from "../../src/db/postgres.ts";
import { conversations, messages, users } from "../../src/db/schema-pg.ts";
import { sharedPostgres } from "../helpers/postgres.ts";

let pg: Awaited<ReturnType<typeof sharedPostgres>>;
let url: string;
let writerA: PgHandle;
let writerB: PgHandle;
let reader: PgHandle;
let observer: SQL;
let senderId: number;

beforeAll(async () => {
  pg = await sharedPostgres();
  url = await pg.createDatabase();
  reader = await openPostgres(url);
  // One connection each: two sessions, as two instances would have.
  writerA = await openPostgres(url, { migrate: false, connections: 1 });
  writerB = await openPostgres(url, { migrate: false, connections: 1 });
  observer = new SQL({ url, max: 1 });
  const [user] = await reader.db
    .insert(users)
    .values({
      username: "writer",
      email: "w@example.com",
      firstName: "W",
      lastName: "R",
      passwordHash: "x",
      createdAt: 0,
    })
    .returning();
  senderId = user?.id ?? 0;
});
afterAll(async () => {
  await Promise.all([writerA?.close(), writerB?.close(), reader?.close(), observer?.close()]);
});

type Tx = Parameters<Parameters<PgDb["transaction"]>[0]>[0];

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

async function newConversation(): Promise<number> {
  const [row] = await reader.db
    .insert(conversations)
    .values({ kind: "room", name: null, createdBy: senderId, createdAt: 0 })
    .returning({ id: conversations.id });
  if (!row) throw new Error("no conversation");
  return row.id;
}

/** The domain's statement (src/chat/stream.ts takeSeq), on PostgreSQL. */
async function takeSeq(tx: Tx, conversationId: number): Promise<number> {
  const [row] = await tx
    .update(conversations)
    .set({ lastSeq: sql`${conversations.lastSeq} + 1` })
    .where(eq(conversations.id, conversationId))
    .returning({ seq: conversations.lastSeq });
  if (!row) throw new Error("no stream");
  return row.seq;
}

/** A send as the domain does it: the number first, then the row that carries it. */
async function send(tx: Tx, conversationId: number, body: string): Promise<number> {
  const seq = await takeSeq(tx, conversationId);
  await tx.insert(messages).values({ conversationId, senderId, body, createdAt: 0, seq });
  return seq;
}

async function backendPid(tx: Tx): Promise<number> {
  const [row] = await tx.execute<{ pid: number }>(sql`select pg_backend_pid() as pid`);
  return row?.pid ?? 0;
}

/** Waits (bounded) until session `waiting` is blocked by a lock that session `holder` holds. */
async function untilBlocked(waiting: number, holder: number) {
  for (let i = 0; i < 500; i++) {
    const [row] = await observer`select ${holder}::int = any(pg_blocking_pids(${waiting}::int)) as blocked`;
    if (row.blocked) return;
    await Bun.sleep(10);
  }
  throw new Error(`session ${waiting} never waited for ${holder}`);
}

/** What a reader resuming "after n" gets: the numbers of the changes committed since. */
async function seqsAfter(conversationId: number, after: number): Promise<number[]> {
  const rows = await reader.db
    .select({ seq: messages.seq })
    .from(messages)
    .where(and(eq(messages.conversationId, conversationId), gt(messages.seq, after)))
    .orderBy(asc(messages.seq));
  return rows.map((row) => row.seq);
}

test("a plain sequence would let numbers commit out of order: the reader that saw 2 skips 1 for ever", async () => {
  // Why the counter is a locked row and not nextval(): this is the hazard the issue names.
  await observer`create sequence hazard_n`;
  await observer`create table hazard (n int primary key default nextval('hazard_n'))`;
  const take = async (tx: Tx) => {
    const [row] = await tx.execute<{ n: number }>(sql`insert into hazard default values returning n`);
    return row?.n ?? 0;
  };
  const aTook = deferred<number>();
  const releaseA = deferred();
  const a = writerA.db.transaction(async (tx) => {
    aTook.resolve(await take(tx));
    await releaseA.promise;
  });
  const first = await aTook.promise;
  const second = await writerB.db.transaction((tx) => take(tx)); // B did not wait for A
  expect(second).toBe(first + 1);
  const visible = async () => (await observer`select n from hazard order by n`).map((row: { n: number }) => row.n);
  // A reader now sees 2 but not 1; resuming "after 2" later, it never gets 1.
  expect(await visible()).toEqual([second]);
  releaseA.resolve();
  await a;
  expect(await visible()).toEqual([first, second]);
});

test("the second writer's number waits for the first writer's commit, so no reader can skip one", async () => {
  const conversationId = await newConversation();
  const aSent = deferred<{ seq: number; pid: number }>();
  const releaseA = deferred();
  const events: string[] = [];
  const a = writerA.db.transaction(async (tx) => {
    const pid = await backendPid(tx);
    const seq = await send(tx, conversationId, "from A");
    aSent.resolve({ seq, pid });
    await releaseA.promise;
    events.push("A commits");
    return seq;
  });
  const { seq: seqA, pid: pidA } = await aSent.promise;
  expect(seqA).toBe(1);

  const bStarted = deferred<number>();
  const b = writerB.db.transaction(async (tx) => {
    bStarted.resolve(await backendPid(tx));
    const seq = await send(tx, conversationId, "from B");
    events.push(`B took ${seq}`);
    return seq;
  });
  // B is inside takeSeq's UPDATE, waiting for the row lock A holds.
  await untilBlocked(await bStarted.promise, pidA);
  expect(events).toEqual([]);
  // Meanwhile a reader sees neither: A's 1 is not committed, and B has no number yet.
  expect(await seqsAfter(conversationId, 0)).toEqual([]);

  releaseA.resolve();
  expect(await a).toBe(1);
  expect(await b).toBe(2);
  expect(events).toEqual(["A commits", "B took 2"]);
  expect(await seqsAfter(conversationId, 0)).toEqual([1, 2]);
});

test("writers in REPEATABLE READ would fail instead of waiting: the adapter's writers use READ COMMITTED", async () => {
  const conversationId = await newConversation();
  const aSent = deferred<number>();
  const releaseA = deferred();
  const a = writerA.db.transaction(async (tx) => {
    const pid = await backendPid(tx);
    await send(tx, conversationId, "from A");
    aSent.resolve(pid);
    await releaseA.promise;
  });
  const pidA = await aSent.promise;
  const bStarted = deferred<number>();
  const b = writerB.db
    .transaction(
      async (tx) => {
        bStarted.resolve(await backendPid(tx));
        return send(tx, conversationId, "from B");
      },
      { isolationLevel: "repeatable read" },
    )
    .then(
      () => "committed",
      (error: { cause?: { errno?: string }; errno?: string }) => error.cause?.errno ?? error.errno,
    );
  await untilBlocked(await bStarted.promise, pidA);
  releaseA.resolve();
  await a;
  // 40001: could not serialize access due to concurrent update (a retry would be needed).
  expect(await b).toBe("40001");
});

test("a reader's 'changes after n' is one snapshot in REPEATABLE READ; READ COMMITTED could claim a number it did not return", async () => {
  const conversationId = await newConversation();
  await writerA.db.transaction((tx) => send(tx, conversationId, "one"));

  const readPage = async (isolationLevel: "repeatable read" | "read committed") => {
    const betweenReads = deferred();
    const wrote = deferred();
    const page = reader.db.transaction(
      async (tx) => {
        const changed = await tx
          .select({ seq: messages.seq })
          .from(messages)
          .where(and(eq(messages.conversationId, conversationId), gt(messages.seq, 0)))
          .orderBy(asc(messages.seq));
        betweenReads.resolve();
        await wrote.promise;
        const [latest] = await tx
          .select({ seq: conversations.lastSeq })
          .from(conversations)
          .where(eq(conversations.id, conversationId));
        return { changed: changed.map((row) => row.seq), latest: latest?.seq };
      },
      { isolationLevel, accessMode: "read only" },
    );
    await betweenReads.promise;
    // Another instance commits a change between the page's two reads.
    await writerB.db.transaction((tx) => send(tx, conversationId, "meanwhile"));
    wrote.resolve();
    return page;
  };

  const consistent = await readPage("repeatable read");
  expect(consistent.latest).toBe(consistent.changed.at(-1));
  const torn = await readPage("read committed");
  // The page would say "you are at 3" while returning only up to 2: the reader skips 3.
  expect(torn.latest).toBeGreaterThan(torn.changed.at(-1) ?? 0);
});

test("many writers on two connections, a reader resuming from what it saw: every number once, none skipped", async () => {
  const conversationId = await newConversation();
  const writes = 120;
  let sent = 0;
  const writer = async (handle: PgHandle) => {
    while (sent < writes) {
      sent++;
      await handle.db.transaction((tx) => send(tx, conversationId, `m${sent}`));
    }
  };
  const seen: number[] = [];
  const resume = async () => {
    // Resumes after the last number it saw, as a reconnecting client does; bounded.
    for (let polls = 0; seen.length < writes && polls < 100_000; polls++) {
      const after = seen.at(-1) ?? 0;
      const got = await reader.db.transaction(async (tx) => {
        const rows = await tx
          .select({ seq: messages.seq })
          .from(messages)
          .where(and(eq(messages.conversationId, conversationId), gt(messages.seq, after)))
          .orderBy(asc(messages.seq));
        return rows.map((row) => row.seq);
      });
      // Whatever it gets continues exactly where it stood: no hole to skip.
      got.forEach((seq, i) => {
        expect(seq).toBe(after + i + 1);
      });
      seen.push(...got);
    }
  };
  await Promise.all([writer(writerA), writer(writerB), writer(writerA), writer(writerB), resume()]);
  expect(seen).toEqual(Array.from({ length: writes }, (_, i) => i + 1));
});
