// Parley on PostgreSQL for the bench: the cluster (the tests' harness, started once per
// run), a fresh database per scenario migrated by Parley's own code, and its people and
// data made server-side in SQL (`generate_series`), the counterpart of accounts.ts and
// history-db.ts for SQLite, in the same shapes.
import { SQL } from "bun";
import { startSession } from "../../src/auth/sessions.ts";
import { createTokenSigner } from "../../src/auth/tokens.ts";
import { systemClock } from "../../src/clock.ts";
import { migratePostgres, openPostgresDatabase } from "../../src/db/postgres.ts";
import type { UserRow } from "../../src/db/schema.ts";
import { startPostgres, type TestPostgres } from "../../tests/helpers/postgres.ts";
import { type BenchUser, sharedHash } from "./accounts.ts";
import type { HistoryShape } from "./history-db.ts";
import { JWT_SECRET } from "./processes.ts";
import type { HistoryDb } from "./report.ts";

export { startPostgres, type TestPostgres };

/** A new database on the bench's cluster, with Parley's migrations applied; answers its URL. */
export async function createBenchDatabase(cluster: TestPostgres, name: string): Promise<string> {
  const url = await cluster.createDatabase(`bench_${name}`);
  await migratePostgres(url);
  return url;
}

async function withClient<T>(url: string, run: (sql: SQL) => Promise<T>): Promise<T> {
  const sql = new SQL({ url, max: 1 });
  try {
    return await run(sql);
  } finally {
    await sql.close();
  }
}

/** `count` users named prefix0, prefix1, …, in one statement; their ids in order. */
async function insertUsers(url: string, count: number, prefix: string): Promise<number[]> {
  const hash = await sharedHash();
  const rows: { id: number }[] = await withClient(
    url,
    (sql) => sql`
      insert into users (username, email, first_name, last_name, password_hash, created_at)
      select ${prefix}::text || n, ${prefix}::text || n || '@bench.invalid', 'Bench', ${prefix}::text || n,
             ${hash}::text, ${Date.now()}::bigint
      from generate_series(0, ${count - 1}::int) as n order by n
      returning id`,
  );
  return rows.map((r) => Number(r.id)).sort((a, b) => a - b);
}

/** One session and bearer token per user, through src/auth/sessions.ts, as on SQLite. */
async function openSessions(url: string, userIds: number[]): Promise<BenchUser[]> {
  const handle = await openPostgresDatabase(url, { migrate: false, connections: 8 });
  try {
    const signer = createTokenSigner(JWT_SECRET);
    const deps = { db: handle.db, clock: systemClock };
    const tokens = await Promise.all(
      userIds.map((id) =>
        startSession(deps, signer, { id, tokenVersion: 0 } as UserRow, { userAgent: "parley-bench", ip: "127.0.0.1" }),
      ),
    );
    return userIds.map((id, i) => ({ id, token: tokens[i] as string }));
  } finally {
    await handle.close();
  }
}

export async function createUsers(url: string, count: number, prefix: string): Promise<BenchUser[]> {
  return openSessions(url, await insertUsers(url, count, prefix));
}

/** A room whose members are every user named `prefix…` (the first its creator); its id. */
export async function createRoom(url: string, name: string, prefix: string): Promise<number> {
  const now = Date.now();
  return withClient(url, async (sql) => {
    const [room] = await sql`
      insert into conversations (kind, name, created_by, created_at)
      select 'room', ${name}::text, min(id), ${now}::bigint from users where username like ${`${prefix}%`}::text
      returning id`;
    const id = Number(room.id);
    await sql`
      insert into members (conversation_id, user_id, joined_at)
      select ${id}::int, id, ${now}::bigint from users where username like ${`${prefix}%`}::text`;
    return id;
  });
}

/**
 * history-db.ts's database on PostgreSQL, in a few statements run by the server: user 1 (the
 * hub) in `hubConversations` direct conversations, conversation 1 holding
 * `deepConversationMessages` of the messages, the rest spread at random (a fixed seed),
 * each conversation's change-stream numbers in order, members having read all but the
 * last two. The search column and its GIN index fill as the rows go in, as on SQLite.
 */
export async function generateHistoryDatabase(url: string, shape: HistoryShape): Promise<HistoryDb> {
  const started = performance.now();
  const { messages, conversations, hubConversations, deepConversationMessages } = shape;
  const hash = await sharedHash();
  const base = Date.UTC(2025, 0, 1);
  const words = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore";
  const { deepBeforeId, bytes } = await withClient(url, async (sql) => {
    await sql.begin(async (tx) => {
      await tx`select setseed(0.7)`;
      // Users 1..conversations+1, conversations 1..conversations: ids written, sequences moved past.
      await tx`
        insert into users (id, username, email, first_name, last_name, password_hash, created_at)
        select n, 'h' || n, 'h' || n || '@bench.invalid', 'Bench', 'h' || n, ${hash}::text, ${base}::bigint
        from generate_series(1, ${conversations + 1}::int) as n`;
      await tx`
        create temporary table pairs on commit drop as
        select k, case when k <= ${hubConversations}::int then 1 else k - ${hubConversations}::int + 1 end as a, k + 1 as b
        from generate_series(1, ${conversations}::int) as k`;
      await tx`
        insert into conversations (id, kind, direct_key, created_by, created_at)
        select k, 'direct', a || ':' || b, a, ${base}::bigint from pairs`;
      await tx`
        insert into members (conversation_id, user_id, joined_at)
        select k, a, ${base}::bigint from pairs union all select k, b, ${base}::bigint from pairs`;
      await tx`
        create temporary table picks on commit drop as
        select i,
               case when random() < ${deepConversationMessages / messages}::float8 then 1
                    else 1 + floor(random() * ${conversations}::int)::int end as k,
               random() < 0.5 as first_sends
        from generate_series(0, ${messages - 1}::int) as i`;
      await tx`
        insert into messages (conversation_id, sender_id, body, seq, created_at)
        select p.k, case when p.first_sends then s.a else s.b end,
               '#' || p.i || ' ' || (
                 select string_agg((string_to_array(${words}::text, ' '))[1 + floor(random() * 16)::int], ' ')
                 from generate_series(1, 4 + (p.i * 7 + p.k) % 12)
               ),
               row_number() over (partition by p.k order by p.i),
               ${base}::bigint + p.i::bigint * 1000
        from picks p join pairs s on s.k = p.k
        order by p.i`;
      await tx`
        update conversations c set last_message_id = m.last_id, last_seq = m.last_seq
        from (select conversation_id, max(id) as last_id, max(seq) as last_seq from messages group by conversation_id) m
        where c.id = m.conversation_id`;
      await tx`
        update members mb set last_read_message_id = coalesce(m.id, 0)
        from conversations c left join messages m on m.conversation_id = c.id and m.seq = c.last_seq - 2
        where mb.conversation_id = c.id`;
      for (const table of ["users", "conversations"]) {
        await tx.unsafe(`select setval(pg_get_serial_sequence('${table}', 'id'), (select max(id) from ${table}))`);
      }
    });
    await sql`analyze`;
    const deepCount = Number((await sql`select count(*) as n from messages where conversation_id = 1`)[0].n);
    const [deep] = await sql`
      select id from messages where conversation_id = 1 order by id offset ${Math.floor(deepCount * 0.1)}::int limit 1`;
    const [size] = await sql`select pg_database_size(current_database()) as bytes`;
    return { deepBeforeId: Number(deep?.id ?? 1), bytes: Number(size.bytes) };
  });
  const [session] = await openSessions(url, [1]);
  return {
    path: url,
    messages,
    conversations,
    hubUserId: 1,
    hubToken: session?.token as string,
    hubConversations,
    deepConversationId: 1,
    deepBeforeId,
    seconds: (performance.now() - started) / 1000,
    bytes,
  };
}
