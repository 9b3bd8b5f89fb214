// What an idle socket keeps alive on the server, counted as objects on a real server in this
// process after a full collection (so no timing is involved): the upgrade's Request and its
// Headers must not outlive the upgrade. Elysia's .ws() kept both, with the whole request
// context, for every socket (docs/DECISIONS.md, "Idle sockets and start-up").
import { heapStats } from "bun:jsc";
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { signUp } from "../helpers/client.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { openSocket, type TestSocket } from "../helpers/ws.ts";

// The preload's default timeout reaches only the first file of a run (Bun 1.4).
setDefaultTimeout(60_000);

const SOCKETS = 40;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ MAX_SOCKETS_PER_USER: String(SOCKETS + 1) });
});
afterAll(() => server.close());

/** How many live objects of each type the heap holds after a full, synchronous collection. */
function liveObjects(): Record<string, number> {
  Bun.gc(true);
  return heapStats().objectTypeCounts;
}

const growth = (before: Record<string, number>, after: Record<string, number>, type: string) =>
  (after[type] ?? 0) - (before[type] ?? 0);

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
