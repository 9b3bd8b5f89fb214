// A frame relayed through Redis can reach a socket after a later one delivered locally:
// the reader holding n receives n + 2 first. Without any outage, the browser sees the gap
// in the numbers, fetches n + 1, and shows each message once, in order. The Redis path of
// the reader's instance is delayed in the test (a relay that holds Redis's answers), not
// in the product.

import { expect, test } from "bun:test";
import type { Socket } from "bun";
import { newPerson, signUpInBrowser } from "../helpers/browser.ts";
import { signUp, trpcClient } from "../helpers/client.ts";
import { eventually } from "../helpers/conversations.ts";
import { forEachDatabase, rawRows } from "../helpers/databases.ts";
import { withBrowser } from "../helpers/e2e.ts";
import { startRedis } from "../helpers/redis.ts";
import { startTwoInstances } from "../helpers/server.ts";

type Relay = { url: string; hold(): void; release(): void; close(): void };

/** A TCP relay to Redis that can hold what Redis sends back (published frames included). */
function startRelay(redisPort: number): Relay {
  let held = false;
  const queued: (() => void)[] = [];
  const upstreams = new Set<Socket<unknown>>();
  const server = Bun.listen<{ upstream: Socket<unknown> | null; early: Uint8Array[] }>({
    hostname: "127.0.0.1",
    port: 0,
    socket: {
      async open(client) {
        client.data = { upstream: null, early: [] };
        const upstream = await Bun.connect({
          hostname: "127.0.0.1",
          port: redisPort,
          socket: {
            data(_socket, chunk) {
              const copy = Buffer.from(chunk);
              if (held) queued.push(() => client.write(copy));
              else client.write(copy);
            },
            close: () => {
              client.end();
            },
            error: () => {
              client.end();
            },
          },
        });
        upstreams.add(upstream);
        client.data.upstream = upstream;
        for (const chunk of client.data.early) upstream.write(chunk);
        client.data.early = [];
      },
      data(client, chunk) {
        if (client.data.upstream) client.data.upstream.write(chunk);
        else client.data.early.push(Buffer.from(chunk));
      },
      close(client) {
        client.data.upstream?.end();
      },
    },
  });
  return {
    url: `redis://127.0.0.1:${server.port}`,
    hold: () => {
      held = true;
    },
    release: () => {
      held = false;
      for (const write of queued.splice(0)) write();
    },
    close: () => {
      for (const upstream of upstreams) upstream.end();
      server.stop(true);
    },
  };
}

forEachDatabase(() => {
  // X reaches Redis directly; Y through the relay: its subscriber hears X's frames when the
  // relay lets them.
  const e2e = withBrowser(async () => {
    const redis = await startRedis();
    const relay = startRelay(redis.port);
    const instances = await startTwoInstances({ REDIS_URL: redis.url }, { envOfB: { REDIS_URL: relay.url } });
    return { redis, relay, instances };
  });

  test("n + 1 relayed late after n + 2 delivered locally is fetched, shown once, in order", async () => {
    const { a: x, b: y } = e2e.instances;
    const { relay } = e2e;
    const reader = await newPerson(e2e.browser, y.url);
    await signUpInBrowser(reader.page, { firstName: "Rita", lastName: "Reader", username: "rita" });
    const alice = await signUp(x.url, { firstName: "Alice", lastName: "Sender" });
    const ritaId = (await alice.trpc.users.list.query({ search: "rita" })).items[0]?.id ?? 0;
    const hello = await alice.trpc.history.send.mutate({ to: { userId: ritaId }, body: "hello" });
    const { page } = reader;
    await page.goto(`/c/${hello.conversationId}`);
    const log = page.getByRole("log");
    await log.getByText("hello", { exact: true }).waitFor();
    const to = { conversationId: hello.conversationId };
    // Rita's read mark takes a number of the stream too: let it land before the two sends,
    // which must take n + 1 and n + 2.
    await eventually(
      async () =>
        Number(
          (
            await rawRows<{ up_to: unknown }>(
              x.deps.database,
              "select last_read_message_id as up_to from members where user_id = ? and conversation_id = ?",
              ritaId,
              hello.conversationId,
            )
          )[0]?.up_to,
        ) === hello.id,
      "Rita's read mark to be stored",
    );

    relay.hold();
    // n + 1 through X: it reaches Y only through Redis, which the relay holds back.
    const first = await trpcClient(x.url, alice.token).history.send.mutate({ to, body: "first (relayed)" });
    // n + 2 through Y: delivered to the reader's socket at once.
    const second = await trpcClient(y.url, alice.token).history.send.mutate({ to, body: "second (local)" });
    expect(second.seq).toBe(first.seq + 1);

    // The relay still holds "first": only the gap fetch can put it on screen.
    const bubbles = log.locator(".message:not(.pending) .bubble");
    await log.getByText("first (relayed)", { exact: true }).waitFor();
    expect(await bubbles.allTextContents()).toEqual(["hello", "first (relayed)", "second (local)"]);

    // The held frame arrives late, then a later message through the same path: still once each.
    relay.release();
    await trpcClient(x.url, alice.token).history.send.mutate({ to, body: "third (relayed)" });
    await log.getByText("third (relayed)", { exact: true }).waitFor();
    expect(await bubbles.allTextContents()).toEqual(["hello", "first (relayed)", "second (local)", "third (relayed)"]);
    expect(reader.errors).toEqual([]);
  }, 60_000);
});
