// Generates the history database of scenarios 4 and 6 in seconds: Parley's real migrations
// (through openDatabase), then plain prepared INSERTs in one transaction.
//
// Shape: user 1 (the "hub") has `hubConversations` direct conversations, with users
// 2..hub+1; the other conversations pair users (b, b + hub). Conversation 1 (hub and
// user 2) holds `deepConversationMessages` messages, for a page deep in its history;
// the rest are spread at random over every conversation, interleaved in time. Members
// have read all but the last couple of messages.
import { statSync } from "node:fs";
import { directKey } from "../../src/chat/conversations.ts";
import { indexSearchBacklog } from "../../src/db/search-backlog.ts";
import { insertUsers, openBenchDatabase, openSessions } from "./accounts.ts";
import type { HistoryDb } from "./report.ts";

export type HistoryShape = {
  messages: number;
  conversations: number;
  hubConversations: number;
  deepConversationMessages: number;
};

/** A small deterministic PRNG, so every run builds the same database. */
function mulberry32(seed: number) {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore".split(
  " ",
);

export async function generateHistoryDb(path: string, shape: HistoryShape): Promise<HistoryDb> {
  const started = performance.now();
  const { messages, conversations, hubConversations, deepConversationMessages } = shape;
  const handle = openBenchDatabase(path);
  const sqlite = handle.sqlite;
  // Random conversations scatter the index inserts: a large page cache keeps them in memory.
  sqlite.exec("PRAGMA cache_size = -524288");
  const userIds = await insertUsers(handle, conversations + 1, "h");
  const hub = userIds[0] as number;
  const random = mulberry32(7);
  const base = Date.UTC(2025, 0, 1);

  const pairs: [number, number][] = [];
  for (let k = 1; k <= conversations; k++) {
    if (k <= hubConversations) pairs.push([hub, userIds[k] as number]);
    else pairs.push([userIds[k - hubConversations] as number, userIds[k] as number]);
  }
  const conversationIds: number[] = [];
  const lastIds = new Float64Array(conversations);
  const previousIds = new Float64Array(conversations * 2);
  const deepIds: number[] = [];
  // Each conversation's change-stream numbers, as the send path hands them out.
  const seqs = new Int32Array(conversations);

  sqlite.transaction(() => {
    const insertConversation = sqlite.prepare<{ id: number }, [string, number, number]>(
      "insert into conversations (kind, direct_key, created_by, created_at) values ('direct', ?, ?, ?) returning id",
    );
    const insertMember = sqlite.prepare("insert into members (conversation_id, user_id, joined_at) values (?, ?, ?)");
    for (const [a, b] of pairs) {
      const row = insertConversation.get(directKey(a, b), a, base);
      const id = row?.id as number;
      conversationIds.push(id);
      insertMember.run(id, a, base);
      insertMember.run(id, b, base);
    }

    const insertMessage = sqlite.prepare<never, [number, number, string, number, number]>(
      "insert into messages (conversation_id, sender_id, body, seq, created_at) values (?, ?, ?, ?, ?)",
    );
    const deepShare = deepConversationMessages / messages;
    for (let i = 0; i < messages; i++) {
      const index = random() < deepShare ? 0 : Math.floor(random() * conversations);
      const pair = pairs[index] as [number, number];
      const sender = random() < 0.5 ? pair[0] : pair[1];
      const words = 4 + Math.floor(random() * 12);
      let body = `#${i}`;
      for (let w = 0; w < words; w++) body += ` ${WORDS[Math.floor(random() * WORDS.length)]}`;
      const seq = (seqs[index] ?? 0) + 1;
      seqs[index] = seq;
      const id = Number(
        insertMessage.run(conversationIds[index] as number, sender, body, seq, base + i * 1000).lastInsertRowid,
      );
      previousIds[index * 2 + 1] = previousIds[index * 2] as number;
      previousIds[index * 2] = lastIds[index] as number;
      lastIds[index] = id;
      if (index === 0) deepIds.push(id);
    }

    const setLast = sqlite.prepare("update conversations set last_message_id = ?, last_seq = ? where id = ?");
    const setRead = sqlite.prepare("update members set last_read_message_id = ? where conversation_id = ?");
    for (let index = 0; index < conversations; index++) {
      const id = conversationIds[index] as number;
      if (lastIds[index]) setLast.run(lastIds[index] as number, seqs[index] as number, id);
      setRead.run(previousIds[index * 2 + 1] as number, id);
    }
  })();
  const [session] = await openSessions(handle, [hub]);
  // Into the search index at once, as a database that has run for a while would be.
  await indexSearchBacklog(handle.db);
  handle.sqlite.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  handle.close();
  return {
    path,
    messages,
    conversations,
    hubUserId: hub,
    hubToken: session?.token as string,
    hubConversations,
    deepConversationId: conversationIds[0] as number,
    // 90% of the way back into conversation 1's history.
    deepBeforeId: deepIds[Math.floor(deepIds.length * 0.1)] ?? 1,
    seconds: (performance.now() - started) / 1000,
    bytes: statSync(path).size,
  };
}
