// Two instances on one database, one Redis that dies and comes back, a reader in a real
// browser: every acknowledged message is on the reader's screen, in order, without a
// reload, within seconds of Redis coming back (issue 12's scenario: 200 messages, 50 ms
// apart, alternating instances, Redis killed 3 s in and restarted 3 s later).
import { expect, test } from "bun:test";
import { newPerson, type Person, signUpInBrowser } from "../helpers/browser.ts";
import { signUp, type TestUser, trpcClient } from "../helpers/client.ts";
import { eventually } from "../helpers/conversations.ts";
import { forEachDatabase } from "../helpers/databases.ts";
import { withBrowser } from "../helpers/e2e.ts";
import { startRedis } from "../helpers/redis.ts";
import { startTwoInstances, type TestServer } from "../helpers/server.ts";

forEachDatabase(() => {
  const e2e = withBrowser(async () => {
    const redis = await startRedis();
    return { redis, instances: await startTwoInstances({ REDIS_URL: redis.url }) };
  });

  const MESSAGES = 200;
  const SPACING_MS = 50;
  /** Redis is killed after this many sends (3 s at 50 ms) and restarted this many later. */
  const KILL_AT = 60;
  const RESTART_AFTER = 60;

  async function outage(reader: { person: Person; username: string }, readerOn: TestServer, tag: string) {
    const { a, b } = e2e.instances;
    const alice: TestUser = await signUp(a.url, { firstName: "Alice", lastName: tag });
    const readerId = (await alice.trpc.users.list.query({ search: reader.username })).items[0]?.id ?? 0;
    const hello = await alice.trpc.history.send.mutate({ to: { userId: readerId }, body: `${tag} hello` });
    const { page } = reader.person;
    await page.goto(`${readerOn.url}/c/${hello.conversationId}`);
    const log = page.getByRole("log");
    await log.getByText(`${tag} hello`, { exact: true }).waitFor();

    const via = [trpcClient(a.url, alice.token), trpcClient(b.url, alice.token)];
    const expected = [`${tag} hello`];
    let redisBackAt = 0;
    for (let i = 0; i < MESSAGES; i += 1) {
      if (i === KILL_AT) await e2e.redis.stop();
      if (i === KILL_AT + RESTART_AFTER) {
        await e2e.redis.start();
        redisBackAt = Date.now();
      }
      const body = `${tag} ${String(i + 1).padStart(3, "0")}`;
      const client = via[i % 2];
      if (!client) throw new Error("no client");
      // Acknowledged: the server answered with the stored message.
      const stored = await client.history.send.mutate({ to: { conversationId: hello.conversationId }, body });
      expect(stored.body).toBe(body);
      expected.push(body);
      await Bun.sleep(SPACING_MS);
    }

    // Every message on screen, in order, once, without a reload: within seconds of Redis
    // being back (the rest of the run after the restart counts towards them).
    const bubbles = log.locator(".message:not(.pending) .bubble");
    // Their text, not innerText: rows in a chunk scrolled out of sight are skipped by the
    // browser's layout (content-visibility), and innerText of a row not laid out is "".
    const onScreen = async () => (await bubbles.allTextContents()).map((text) => text.trim());
    await eventually(
      async () => (await onScreen()).length >= expected.length,
      `all ${expected.length} messages on ${tag}'s screen`,
      Math.max(0, redisBackAt + 10_000 - Date.now()) + 5_000,
    );
    expect(await onScreen()).toEqual(expected);
    expect(reader.person.errors).toEqual([]);
  }

  test("reader on Y, sender alternating X and Y, Redis killed and restarted: every message shown, in order", async () => {
    const person = await newPerson(e2e.browser, e2e.instances.b.url);
    await signUpInBrowser(person.page, { firstName: "Bob", lastName: "Reader", username: "bobreader" });
    await outage({ person, username: "bobreader" }, e2e.instances.b, "onY");
  }, 120_000);

  test("the same with the reader on X", async () => {
    const person = await newPerson(e2e.browser, e2e.instances.a.url);
    await signUpInBrowser(person.page, { firstName: "Xena", lastName: "Reader", username: "xenareader" });
    await outage({ person, username: "xenareader" }, e2e.instances.a, "onX");
  }, 120_000);
});
