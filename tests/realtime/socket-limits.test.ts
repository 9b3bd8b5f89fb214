// Attacks on the WebSocket endpoint: one token opening sockets without end, and an
// Origin that names this host with another scheme.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { signUp } from "../helpers/client.ts";
import { forEachDatabase } from "../helpers/databases.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { openSocket, type TestSocket, upgradeStatus } from "../helpers/ws.ts";

forEachDatabase(() => {
  // The preload's default timeout reaches only the first file of a run (Bun 1.4).
  setDefaultTimeout(60_000);

  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ MAX_SOCKETS_PER_USER: "5" });
  });
  afterAll(() => server.close());

  describe("sockets per account", () => {
    test("past MAX_SOCKETS_PER_USER the next socket is closed with 4008; closing one makes room; others are unaffected", async () => {
      const ada = await signUp(server.url);
      const bob = await signUp(server.url);
      const open: TestSocket[] = [];
      for (let i = 0; i < 5; i++) open.push(await openSocket(server.url, ada.token));
      const extra = await openSocket(server.url, ada.token, { waitReady: false });
      expect(await extra.closed()).toEqual({ code: 4008, reason: "Too many open sockets for this account" });
      expect(extra.frames.some((frame) => frame.type === "ready")).toBe(false);

      // Someone else is not limited by Ada's sockets.
      const bobs = await openSocket(server.url, bob.token);
      expect(bobs.ready.userId).toBe(bob.user.id);

      open[0]?.close();
      await open[0]?.closed();
      const again = await openSocket(server.url, ada.token);
      expect(again.ready.userId).toBe(ada.user.id);
      for (const socket of [...open, again, bobs]) socket.close();
    });

    test("a flood of upgrades with one token leaves at most the cap open", async () => {
      const ada = await signUp(server.url);
      const flood = await Promise.all(
        Array.from({ length: 40 }, () => openSocket(server.url, ada.token, { waitReady: false })),
      );
      // Each socket either gets `ready` or is closed first (then waiting for `ready` fails).
      const outcomes = await Promise.all(
        flood.map((socket) =>
          socket.next("ready", undefined, 10_000).then(
            () => "ready" as const,
            async () => (await socket.closed()).code,
          ),
        ),
      );
      expect(outcomes.filter((o) => o === "ready")).toHaveLength(5);
      expect(outcomes.filter((o) => o === 4008)).toHaveLength(35);
      for (const socket of flood) socket.close();
    });
  });

  describe("the Origin check", () => {
    test("refuses this host under another scheme (ftp://, ws://) and accepts http://", async () => {
      const ada = await signUp(server.url);
      const host = new URL(server.url).host;
      const auth = { authorization: `Bearer ${ada.token}` };
      for (const origin of [`ftp://${host}`, `ws://${host}`, `file://${host}`]) {
        expect((await upgradeStatus(server.url, { ...auth, origin })).status).toBe(403);
      }
      const fine = await openSocket(server.url, ada.token, { origin: `http://${host}` });
      expect(fine.ready.userId).toBe(ada.user.id);
      fine.close();
    });
  });
});
