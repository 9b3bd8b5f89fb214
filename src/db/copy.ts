// `parley db copy`: copies a SQLite installation into PostgreSQL (docs/SCALING.md, the
// move). The source is read on ONE snapshot (a read transaction; WAL lets a running Parley
// keep writing meanwhile), table by table in dependency order and in batches of a keyset on
// the primary key, through drizzle with schema.ts; the target is written through drizzle
// with schema-pg.ts, inside ONE PostgreSQL transaction, so a refused or failed copy leaves
// the target as it was. docs/DECISIONS.md ("Copying SQLite to PostgreSQL") says why.
//
// What a run does, precisely: afterwards the target holds exactly the source's rows as of
// the snapshot, which the verification proves (per table, the row count and a SHA-256 over
// every row in key order). A row is keyed by its primary key:
// - absent from the target: inserted ("copied");
// - present and equal: left alone ("already there");
// - present with the same creation facts (the `made` columns below: who made it, when) but
//   other values: the source changed it since an earlier copy (a read mark, an edit, a
//   room's last message), so it takes the source's values ("updated");
// - present with other creation facts: another installation's row. The copy is refused,
//   nothing written: this database is not a copy of this source.
// A row in the target but not in the source was deleted from the source since an earlier
// copy (a reaction taken back, a member who left), and is removed; but only when the target
// is recognisably an earlier copy (some row matched) and the row's id is one the source
// issued (SQLite's AUTOINCREMENT never reuses one): an id past the source's last means the
// target has been written by something else (a Parley already running on it), and the copy
// is refused. So a second run on an unchanged source writes nothing and verifies; a run
// after the source grew copies what is new.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  and,
  asc,
  type Column,
  count,
  eq,
  getTableColumns,
  getTableName,
  gt,
  inArray,
  not,
  or,
  type SQL,
  sql,
} from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import { MIGRATIONS_DIR } from "../runtime-files.ts";
import { type Db, openDatabaseReadOnly } from "./client.ts";
import { isUniqueViolation } from "./errors.ts";
import { openPostgres, type PgDb } from "./postgres.ts";
import * as lite from "./schema.ts";
import * as pg from "./schema-pg.ts";
import { readTransaction } from "./transaction.ts";

type Row = Record<string, unknown>;
type PgTx = Parameters<Parameters<PgDb["transaction"]>[0]>[0];

type TableSpec = {
  lite: SQLiteTable;
  pg: PgTable;
  /** The primary key's properties, in key order. */
  key: string[];
  /** Properties set when the row is made and never changed: two rows with one key and other
   * values here are different rows, not one row changed. None for a key of references (a
   * membership, a block): its parts are rows already matched, and a member who left and
   * joined again since an earlier copy is the same key with a new join time. */
  made: string[];
};

function table<L extends SQLiteTable, P extends PgTable>(
  liteTable: L,
  pgTable: P,
  key: (keyof L["$inferSelect"] & string)[],
  made: (keyof L["$inferSelect"] & string)[],
): TableSpec {
  return { lite: liteTable, pg: pgTable, key, made };
}

// Every table of schema.ts, each after the tables its foreign keys reference
// (conversations.last_message_id is not a foreign key). messages comes in id order, so a
// reply follows the message it answers. SQLite's FTS table is not copied: PostgreSQL's
// search column is generated from the body.
const COPIED_TABLES: TableSpec[] = [
  table(lite.users, pg.users, ["id"], ["createdAt"]),
  table(lite.conversations, pg.conversations, ["id"], ["kind", "createdBy", "createdAt"]),
  table(lite.members, pg.members, ["conversationId", "userId"], []),
  table(lite.messages, pg.messages, ["id"], ["conversationId", "senderId", "createdAt"]),
  table(lite.reactions, pg.reactions, ["id"], ["messageId", "userId", "emoji", "createdAt"]),
  table(lite.mentions, pg.mentions, ["messageId", "userId"], []),
  table(lite.attachments, pg.attachments, ["id"], ["uploaderId", "storageKey", "createdAt"]),
  table(lite.sessions, pg.sessions, ["id"], ["userId", "createdAt"]),
  table(lite.passwordResets, pg.passwordResets, ["id"], ["userId", "tokenHash", "createdAt"]),
  table(lite.emailVerifications, pg.emailVerifications, ["id"], ["userId", "tokenHash", "createdAt"]),
  table(lite.blocks, pg.blocks, ["blockerId", "blockedId"], []),
  table(lite.activityLog, pg.activityLog, ["id"], ["at", "kind"]),
];

// 1,000 rows of at most 16 columns: well under PostgreSQL's 65,535 parameters a statement.
const BATCH = 1000;

export type TableCopy = {
  table: string;
  copied: number;
  updated: number;
  removed: number;
  already: number;
  /** Rows on each side after the copy, and their SHA-256 (hex), equal on both. */
  rows: number;
  checksum: string;
};

/** The copy was refused: the target holds data that is not this source's. Nothing was written. */
export class CopyConflictError extends Error {}

const EMPTY_TARGET_ADVICE =
  "Copy into a new, empty database (createdb, or a new database of your managed service), or drop this one's tables first.";

export async function copySqliteToPostgres(
  sqlitePath: string,
  postgresUrl: string,
  log: (line: string) => void = () => {},
): Promise<TableCopy[]> {
  // Read only: the file may be a backup on a read-only mount (docs/SCALING.md), and a copy
  // must not change the installation it reads.
  const source = openDatabaseReadOnly(sqlitePath);
  try {
    checkMigrated(source.sqlite.query<{ n: number }, []>("select count(*) as n from __drizzle_migrations"), sqlitePath);
    // One snapshot for the whole copy: a deferred transaction takes it at its first read.
    return await readTransaction(source.db, async (snapshot) => {
      await snapshot.select({ n: count() }).from(lite.users);
      const target = await openPostgres(postgresUrl, { connections: 1 });
      try {
        return await target.db.transaction((tx) => copyAll(snapshot, source.sqlite.query.bind(source.sqlite), tx, log));
      } finally {
        await target.close();
      }
    });
  } finally {
    source.close();
  }
}

function checkMigrated(query: { get(): { n: number } | null }, path: string) {
  let applied = 0;
  try {
    applied = query.get()?.n ?? 0;
  } catch {
    throw new Error(`${path} is not a Parley database`);
  }
  const journal = JSON.parse(readFileSync(join(MIGRATIONS_DIR, "meta", "_journal.json"), "utf8")) as {
    entries: unknown[];
  };
  if (applied !== journal.entries.length) {
    throw new Error(
      `${path} has ${applied} of this version's ${journal.entries.length} migrations: run \`parley migrate\` on it (or start this version of Parley on it once), then copy`,
    );
  }
}

type SqliteQuery = (text: string) => { get(...params: string[]): unknown };

async function copyAll(source: Db, query: SqliteQuery, tx: PgTx, log: (line: string) => void): Promise<TableCopy[]> {
  // First a pass that writes nothing: it finds conflicts before anything changes, and the
  // rows to remove, which go before the inserts (a reaction taken back and made again has
  // a new id and the same unique key).
  const plans = [];
  for (const spec of COPIED_TABLES) plans.push({ spec, ...(await syncTable(source, tx, spec, false)) });
  const matched = plans.some((p) => p.already + p.updated > 0);
  for (const { spec, extra } of plans) {
    if (extra.length === 0) continue;
    const name = getTableName(spec.lite);
    const sample = extra.slice(0, 3).map(describeKey).join(", ");
    if (!matched) {
      throw new CopyConflictError(
        `the target holds ${name} rows that are not in the source (${sample}) and nothing of this source: it is another installation's database. ${EMPTY_TARGET_ADVICE}`,
      );
    }
    const last = spec.key[0] === "id" ? lastIssuedId(query, name) : null;
    const newer = last === null ? [] : extra.filter((row) => typeof row.id === "number" && row.id > last);
    if (newer.length) {
      throw new CopyConflictError(
        `the target has ${name} rows the source never had (${newer.slice(0, 3).map(describeKey).join(", ")}; the source's last id is ${last}): something else writes to it, perhaps a Parley already running on it. Copy only into a database no Parley uses yet; ${EMPTY_TARGET_ADVICE}`,
      );
    }
  }
  const report: TableCopy[] = [];
  for (const { spec, extra } of [...plans].reverse()) await removeRows(tx, spec, extra);
  for (const { spec, extra } of plans) {
    const done = await syncTable(source, tx, spec, true).catch((error: unknown) => {
      // Rows are updated in key order, one at a time: a row that took a unique value
      // another row still holds in the target (two rooms that swapped names since the
      // earlier copy) cannot be written before the other. A first copy has no such case.
      if (!isUniqueViolation(error)) throw error;
      throw new CopyConflictError(
        `${getTableName(spec.lite)}: a row took a unique value (a name, a key) that another row held at the earlier copy, such as two rooms that swapped names; nothing was written. ${EMPTY_TARGET_ADVICE}`,
      );
    });
    if (done.extra.length) throw new Error(`${getTableName(spec.lite)}: rows appeared in the target during the copy`);
    report.push({
      table: getTableName(spec.lite),
      copied: done.copied,
      updated: done.updated,
      removed: extra.length,
      already: done.already,
      rows: 0,
      checksum: "",
    });
  }
  await moveSequences(tx);
  for (const entry of report) {
    const spec = COPIED_TABLES.find((s) => getTableName(s.lite) === entry.table);
    if (!spec) continue;
    const [left, right] = [await checksumLite(source, spec), await checksumPg(tx, spec)];
    if (left.rows !== right.rows || left.checksum !== right.checksum) {
      throw new Error(
        `verification failed for ${entry.table}: ${left.rows} rows (SHA-256 ${left.checksum.slice(0, 12)}) in SQLite, ${right.rows} (${right.checksum.slice(0, 12)}) in PostgreSQL; nothing was written`,
      );
    }
    Object.assign(entry, left);
    log(
      `${entry.table}: ${entry.copied} copied, ${entry.updated} updated, ${entry.removed} removed, ${entry.already} already there; ${entry.rows} rows, SHA-256 ${entry.checksum} on both sides`,
    );
  }
  return report;
}

const describeKey = (row: Row) =>
  Object.entries(row)
    .map(([k, v]) => `${k} ${JSON.stringify(v)}`)
    .join(" ");

/** The highest id SQLite's AUTOINCREMENT has issued for the table (0: none yet). */
function lastIssuedId(query: SqliteQuery, name: string): number {
  const row = query("select seq from sqlite_sequence where name = ?").get(name) as { seq: number } | null;
  return row?.seq ?? 0;
}

function columnsOf(t: SQLiteTable | PgTable, props: string[]): Column[] {
  const all = getTableColumns(t) as Record<string, Column>;
  return props.map((p) => {
    const column = all[p];
    if (!column) throw new Error(`${getTableName(t)} has no column ${p}`);
    return column;
  });
}

// PostgreSQL compares text keys (sessions.id) by the database's collation, which may not be
// bytewise; SQLite's order is. "C" makes both sides walk the keys in one order.
function keyExpressions(t: SQLiteTable | PgTable, props: string[], dialect: "sqlite" | "pg"): SQL[] {
  return columnsOf(t, props).map((c) =>
    dialect === "pg" && c.dataType === "string" ? sql`${c} collate "C"` : sql`${c}`,
  );
}

/** Rows whose key comes after `values` in key order (a keyset). */
function after(keys: SQL[], values: unknown[]): SQL {
  const branches = keys.map((key, i) => and(...keys.slice(0, i).map((k, j) => eq(k, values[j])), gt(key, values[i])));
  return or(...branches) as SQL;
}

const keyOf = (row: Row, props: string[]) => JSON.stringify(props.map((p) => row[p]));
const pick = (row: Row, props: string[]) => Object.fromEntries(props.map((p) => [p, row[p]]));

/**
 * Walks the table on both sides in key order, a batch of the source at a time against the
 * target's rows in the same key range. With `write`, inserts the missing rows and updates
 * the changed ones; either way, answers the counts and the target rows absent from the source.
 */
async function syncTable(source: Db, tx: PgTx, spec: TableSpec, write: boolean) {
  const name = getTableName(spec.lite);
  const liteKeys = keyExpressions(spec.lite, spec.key, "sqlite");
  const pgKeys = keyExpressions(spec.pg, spec.key, "pg");
  const counts = { copied: 0, updated: 0, already: 0, extra: [] as Row[] };
  let last: unknown[] | null = null;
  for (;;) {
    const batch = (await source
      .select()
      .from(spec.lite)
      .where(last ? after(liteKeys, last) : undefined)
      .orderBy(...liteKeys.map((k) => asc(k)))
      .limit(BATCH)) as Row[];
    const final = batch.length < BATCH;
    const end = batch.length ? spec.key.map((p) => batch[batch.length - 1]?.[p]) : null;
    // The target's rows in (last, end], or past `last` when this is the source's last batch.
    const range = and(last ? after(pgKeys, last) : undefined, !final && end ? not(after(pgKeys, end)) : undefined);
    const existing = (await tx.select().from(spec.pg).where(range)) as Row[];
    const targetRows = new Map(existing.map((row) => [keyOf(row, spec.key), row]));
    const inserts: Row[] = [];
    for (const row of batch) {
      const key = keyOf(row, spec.key);
      const there = targetRows.get(key);
      targetRows.delete(key);
      if (!there) {
        inserts.push(row);
      } else if (canonical(there) === canonical(row)) {
        counts.already++;
      } else if (canonical(pick(there, spec.made)) === canonical(pick(row, spec.made))) {
        counts.updated++;
        if (write) await tx.update(spec.pg).set(row).where(matchKey(spec, row));
      } else {
        throw new CopyConflictError(
          `the target's ${name} row ${describeKey(pick(row, spec.key))} is another one than the source's (${describeKey(pick(there, spec.made))} there, ${describeKey(pick(row, spec.made))} here): this database holds another installation's data. ${EMPTY_TARGET_ADVICE}`,
        );
      }
    }
    counts.extra.push(...[...targetRows.values()].map((row) => pick(row, spec.key)));
    if (write && inserts.length) {
      // Nothing else writes the target during the copy, so a conflict here is only a unique
      // key taken by another row, which the verification then reports.
      const inserted = await tx.insert(spec.pg).values(inserts).onConflictDoNothing().returning();
      counts.copied += inserted.length;
    } else {
      counts.copied += inserts.length;
    }
    if (final || !end) return counts;
    last = end;
  }
}

function matchKey(spec: TableSpec, row: Row): SQL {
  const columns = columnsOf(spec.pg, spec.key);
  return and(...columns.map((c, i) => eq(c, row[spec.key[i] ?? ""]))) as SQL;
}

async function removeRows(tx: PgTx, spec: TableSpec, keys: Row[]) {
  for (let i = 0; i < keys.length; i += BATCH) {
    const chunk = keys.slice(i, i + BATCH);
    const [only] = spec.key;
    const where =
      spec.key.length === 1 && only
        ? inArray(
            columnsOf(spec.pg, [only])[0] as Column,
            chunk.map((row) => row[only]),
          )
        : (or(...chunk.map((row) => matchKey(spec, row))) as SQL);
    await tx.delete(spec.pg).where(where);
  }
}

// Identity columns do not follow explicit ids: each sequence is moved so that the next
// row made on PostgreSQL takes max(id) + 1.
async function moveSequences(tx: PgTx) {
  for (const spec of COPIED_TABLES) {
    const column = (getTableColumns(spec.pg) as Record<string, Column>).id;
    if (column?.dataType !== "number") continue;
    const name = getTableName(spec.pg);
    await tx.execute(
      sql`select setval(pg_get_serial_sequence(${`"${name}"`}, 'id'), (select coalesce(max(id), 0) + 1 from ${spec.pg}), false)`,
    );
  }
}

/** JSON with every object's keys sorted (jsonb keeps its own key order). */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Row).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

async function checksumLite(source: Db, spec: TableSpec) {
  const keys = keyExpressions(spec.lite, spec.key, "sqlite");
  return checksum(
    spec.key,
    async (last) =>
      (await source
        .select()
        .from(spec.lite)
        .where(last ? after(keys, last) : undefined)
        .orderBy(...keys.map((k) => asc(k)))
        .limit(BATCH)) as Row[],
  );
}

async function checksumPg(tx: PgTx, spec: TableSpec) {
  const keys = keyExpressions(spec.pg, spec.key, "pg");
  const result = await checksum(
    spec.key,
    async (last) =>
      (await tx
        .select()
        .from(spec.pg)
        .where(last ? after(keys, last) : undefined)
        .orderBy(...keys.map((k) => asc(k)))
        .limit(BATCH)) as Row[],
  );
  const [counted] = await tx.select({ n: count() }).from(spec.pg);
  if (counted?.n !== result.rows) throw new Error(`${getTableName(spec.pg)}: count(*) disagrees with the rows read`);
  return result;
}

/** SHA-256 over every row as canonical JSON, one line each, in key order. */
async function checksum(key: string[], page: (last: unknown[] | null) => Promise<Row[]>) {
  const hash = new Bun.CryptoHasher("sha256");
  let rows = 0;
  let last: unknown[] | null = null;
  for (;;) {
    const batch = await page(last);
    for (const row of batch) hash.update(`${canonical(row)}\n`);
    rows += batch.length;
    const end = batch.at(-1);
    if (batch.length < BATCH || !end) return { rows, checksum: hash.digest("hex") };
    last = key.map((p) => end[p]);
  }
}
