// What an idle socket keeps alive on the server, counted as objects on a real server in this
// process after a full collection (so no timing is involved): the upgrade's Request and its
// Headers must not outlive the upgrade. Elysia's .ws() kept both, with the whole request
// context, for every socket (docs/DECISIONS.md, "Idle sockets and start-up"). And a user's
// lone socket is registered without a Set (src/realtime/one-or-many.ts).
import { heapStats } from "bun:jsc";
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { signUp } from "../helpers/client.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { openSocket, type TestSocket, wsUrl } from "../helpers/ws.ts";

// The preload's default timeout reaches only the first file of a run (Bun 1.4).
setDefaultTimeout(60_000);

const SOCKETS = 40;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ MAX_SOCKETS_PER_USER: String(SOCKETS + 1) });
});
afterAll(() => server.close());

/** How many live objects of each type the heap holds after a full, synchronous collection. */
function liveObjects(): { objectCount: number; types: Record<string, number> } {
  Bun.gc(true);
  const { objectCount, objectTypeCounts } = heapStats();
  return { objectCount, types: objectTypeCounts };
}

type Live = ReturnType<typeof liveObjects>;
const growth = (before: Live, after: Live, type: string) => (after.types[type] ?? 0) - (before.types[type] ?? 0);

test("an idle socket keeps neither its upgrade's Request nor its Headers", async () => {
  const ada = await signUp(server.url);
  // One socket first, so that whatever is created once (caches, compiled routes) is not counted.
  const sockets: TestSocket[] = [await openSocket(server.url, ada.token)];
  const before = liveObjects();
  for (let i = 1; i <= SOCKETS; i++) sockets.push(await openSocket(server.url, ada.token));
  const after = liveObjects();

  // The count sees the sockets: one ServerWebSocket each.
  expect(growth(before, after, "ServerWebSocket")).toBe(SOCKETS);
  // Not one Request or Headers per socket (a few may belong to a request still finishing).
  expect(growth(before, after, "Request")).toBeLessThan(SOCKETS / 4);
  expect(growth(before, after, "Headers")).toBeLessThan(SOCKETS / 4);
  for (const socket of sockets) socket.close();
});

const USERS = 12;

/** A bare client socket, open once `ready` came: no helper state, so what grows is the server's. */
function openBareSocket(token: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    // Bun's WebSocket takes headers, which browsers' does not.
    const headers = { authorization: `Bearer ${token}` };
    const ws = new WebSocket(wsUrl(server.url), { headers } as unknown as string[]);
    ws.onmessage = (event) => {
      if ((JSON.parse(String(event.data)) as { type?: string }).type === "ready") resolve(ws);
    };
    ws.onclose = (event) => reject(new Error(`socket closed (${event.code} ${event.reason})`));
  });
}

test("a user's lone socket keeps no Set: not its topics, its user's sockets or its topic's", async () => {
  const people = await Promise.all(Array.from({ length: USERS + 1 }, () => signUp(server.url)));
  const [first, ...rest] = people;
  if (!first) throw new Error("no one signed up");
  const sockets = [await openBareSocket(first.token)];
  const before = liveObjects();
  for (const person of rest) sockets.push(await openBareSocket(person.token));
  const after = liveObjects();

  expect(growth(before, after, "ServerWebSocket")).toBe(USERS);
  // Three per socket when each was a one-element Set.
  expect(growth(before, after, "Set")).toBeLessThan(USERS / 4);
  for (const socket of sockets) socket.close();
});
