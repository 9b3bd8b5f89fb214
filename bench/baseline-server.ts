// The yardstick: a chat server written by hand on Bun.serve with no framework, doing the
// least Parley's send path must do — parse JSON, insert into SQLite, publish to a topic.
// No auth, no validation, no logging. Parley's figures are printed as ratios of this one's.
//
//   PORT=4000 DATABASE_PATH=/tmp/baseline.db bun bench/baseline-server.ts
import { Database } from "bun:sqlite";

const port = Number(process.env.PORT ?? 4000);
const sqlite = new Database(process.env.DATABASE_PATH ?? ":memory:", { create: true });
// The same pragmas as Parley's database (src/db/client.ts).
sqlite.exec("PRAGMA busy_timeout = 5000");
sqlite.exec("PRAGMA journal_mode = WAL");
sqlite.exec("PRAGMA synchronous = NORMAL");
sqlite.exec(`create table if not exists messages (
  id integer primary key autoincrement,
  conversation_id integer not null,
  sender_id integer not null,
  body text not null,
  created_at integer not null
)`);
sqlite.exec("create index if not exists messages_conversation_id on messages (conversation_id, id)");
const insert = sqlite.prepare<{ id: number }, [number, number, string, number]>(
  "insert into messages (conversation_id, sender_id, body, created_at) values (?, ?, ?, ?) returning id",
);

type Send = { conversationId: number; senderId: number; body: string };
type SocketData = { topics: string[] };

const server = Bun.serve<SocketData>({
  hostname: "127.0.0.1",
  port,
  async fetch(request, server) {
    const url = new URL(request.url);
    if (url.pathname === "/send" && request.method === "POST") {
      const input = (await request.json()) as Send;
      const createdAt = Date.now();
      const row = insert.get(input.conversationId, input.senderId, input.body, createdAt);
      const message = {
        id: row?.id,
        conversationId: input.conversationId,
        senderId: input.senderId,
        body: input.body,
        createdAt: new Date(createdAt).toISOString(),
      };
      server.publish(`conv:${input.conversationId}`, JSON.stringify({ type: "message", message }));
      return Response.json(message);
    }
    if (url.pathname === "/ws") {
      const topics = (url.searchParams.get("c") ?? "")
        .split(",")
        .filter(Boolean)
        .map((id) => `conv:${id}`);
      if (server.upgrade(request, { data: { topics } })) return undefined;
      return new Response("upgrade failed", { status: 400 });
    }
    if (url.pathname === "/api/health") return Response.json({ ok: true });
    return new Response("not found", { status: 404 });
  },
  websocket: {
    perMessageDeflate: false,
    open(ws) {
      for (const topic of ws.data.topics) ws.subscribe(topic);
      ws.send(JSON.stringify({ type: "ready" }));
    },
    message() {},
  },
});

process.on("SIGTERM", () => {
  server.stop(true);
  sqlite.close();
  process.exit(0);
});
