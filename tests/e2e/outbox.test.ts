// The outbox, as a person sees it: what they wrote is sent when the network or the
// server is back, in the order written, stored once, kept across a reload, and quick
// typing under the default send limit never turns a message red.

import { beforeAll, expect, test } from "bun:test";
import type { Page, Route } from "playwright-core";
import {
  newPerson,
  openDirectWith,
  type Person,
  sendMessage,
  signUpInBrowser,
  socketSwitch,
} from "../helpers/browser.ts";
import { signUp, trpcClient } from "../helpers/client.ts";
import { eventually } from "../helpers/conversations.ts";
import { forEachDatabase } from "../helpers/databases.ts";
import { restartableServerAndBrowser, storedBodiesFrom } from "../helpers/e2e.ts";

forEachDatabase(() => {
  // The default send limit (SEND_RATE and SEND_BURST unset), not the tests' "off".
  const DEFAULT_LIMIT = { SEND_RATE: "" };

  const e2e = restartableServerAndBrowser(DEFAULT_LIMIT);

  beforeAll(async () => {
    await signUp(e2e.server.url, { username: "bob", firstName: "Bob", lastName: "Stone" });
  }, 60_000);

  /** Someone new, in a conversation with Bob. */
  async function personTalkingToBob(username: string, beforeSignup?: (page: Page) => Promise<void>): Promise<Person> {
    const person = await newPerson(e2e.browser, e2e.server.url);
    await beforeSignup?.(person.page);
    await signUpInBrowser(person.page, { firstName: username, lastName: "Writer", username });
    await openDirectWith(person.page, "bob", "Bob Stone");
    return person;
  }

  const log = (page: Page) => page.getByRole("log");
  const notSent = (page: Page) => log(page).getByRole("alert").filter({ hasText: "Not sent" });

  test("written offline, sent when the network is back: each once, in the order written", async () => {
    const { page, context } = await personTalkingToBob("offline");
    await sendMessage(page, "online first");
    await log(page).getByText("Sending…").waitFor({ state: "detached" });

    await context.setOffline(true);
    for (const body of ["offline one", "offline two", "offline three"]) await sendMessage(page, body);
    // Pending, at the bottom, in writing order; nothing red.
    const rows = log(page).locator(".message.pending");
    await eventually(async () => (await rows.count()) === 3, "three pending rows", 20_000);
    expect(await rows.allInnerTexts()).toEqual([
      expect.stringContaining("offline one"),
      expect.stringContaining("offline two"),
      expect.stringContaining("offline three"),
    ]);
    expect(await storedBodiesFrom(e2e.server, "offline")).toEqual(["online first"]);

    await context.setOffline(false);
    await eventually(
      async () => (await storedBodiesFrom(e2e.server, "offline")).length === 4,
      "the three stored",
      20_000,
    );
    await log(page).locator(".message.pending").first().waitFor({ state: "detached" });
    expect(await storedBodiesFrom(e2e.server, "offline")).toEqual([
      "online first",
      "offline one",
      "offline two",
      "offline three",
    ]);
    expect(await notSent(page).count()).toBe(0);
    for (const body of ["offline one", "offline two", "offline three"]) {
      expect(await log(page).getByText(body, { exact: true }).count()).toBe(1);
    }
  }, 60_000);

  test("30 quick sends under the default limit are all stored, in order, none red; more wait their turn, counting down", async () => {
    const { page, context } = await personTalkingToBob("quick");
    const box = page.getByRole("textbox", { name: /^Message / });
    const bodies = Array.from({ length: 30 }, (_, i) => `quick ${i + 1}`);
    for (const body of bodies) {
      await box.fill(body);
      await box.press("Enter");
    }
    await eventually(async () => (await storedBodiesFrom(e2e.server, "quick")).length === 30, "30 stored", 45_000);
    expect(await storedBodiesFrom(e2e.server, "quick")).toEqual(bodies);
    await log(page).getByText("Sending…").first().waitFor({ state: "detached" });
    expect(await notSent(page).count()).toBe(0);

    // Spend the rest of the bucket (the same person, through the API with the page's own
    // session), so that the next messages certainly meet the limit.
    const session = (await context.cookies()).find((c) => c.name === "session")?.value;
    const api = trpcClient(e2e.server.url, session);
    const drained = await signUp(e2e.server.url);
    for (let i = 0; i < 100; i += 1) {
      const refused = await api.history.send
        .mutate({ to: { userId: drained.user.id }, body: `drain ${i}` })
        .then(() => false)
        .catch(() => true);
      if (refused) break;
    }
    const more = Array.from({ length: 10 }, (_, i) => `more ${i + 1}`);
    for (const body of more) {
      await box.fill(body);
      await box.press("Enter");
    }
    // They wait for the server's retryAfter, shown counting down, and are never red.
    await log(page)
      .getByText(/Waiting to send… \d+ s/)
      .first()
      .waitFor();
    await eventually(async () => (await storedBodiesFrom(e2e.server, "quick")).length === 40, "all 40 stored", 30_000);
    expect(await storedBodiesFrom(e2e.server, "quick")).toEqual([...bodies, ...more]);
    expect(await notSent(page).count()).toBe(0);
    await log(page).locator(".message.pending").first().waitFor({ state: "detached" });
    // On screen once each, in order.
    // Text, not innerText: a chunk of rows out of sight is not laid out (content-visibility).
    const shown = (await log(page).locator(".message:not(.pending) .bubble").allTextContents()).map((text) =>
      text.trim(),
    );
    expect(shown).toEqual([...bodies, ...more]);
  }, 120_000);

  test("a reload keeps what was not sent yet, and sends it afterwards", async () => {
    let sockets: Awaited<ReturnType<typeof socketSwitch>> | undefined;
    const { page } = await personTalkingToBob("reloader", async (page) => {
      sockets = await socketSwitch(page);
    });
    await sendMessage(page, "hello");
    await log(page).getByText("Sending…").waitFor({ state: "detached" });
    // Sends fail on the network until the test lets them through: the socket loses them,
    // and the send requests are dropped.
    const pattern = /\/trpc\/[^?]*history\.send/;
    const drop = (route: Route) => route.abort("connectionreset");
    await page.route(pattern, drop);
    sockets?.dropSends();
    await sendMessage(page, "kept one");
    await sendMessage(page, "kept two");
    await eventually(async () => (await log(page).locator(".message.pending").count()) === 2, "two pending", 20_000);

    await page.reload();
    await page.getByRole("heading", { name: "Bob Stone", level: 1 }).waitFor();
    const rows = log(page).locator(".message.pending");
    await eventually(async () => (await rows.count()) === 2, "two pending after the reload", 20_000);
    expect(await rows.allInnerTexts()).toEqual([
      expect.stringContaining("kept one"),
      expect.stringContaining("kept two"),
    ]);
    expect(await storedBodiesFrom(e2e.server, "reloader")).toEqual(["hello"]);

    await page.unroute(pattern, drop);
    sockets?.restore();
    await eventually(async () => (await storedBodiesFrom(e2e.server, "reloader")).length === 3, "both stored", 20_000);
    expect(await storedBodiesFrom(e2e.server, "reloader")).toEqual(["hello", "kept one", "kept two"]);
    await rows.first().waitFor({ state: "detached" });
    expect(await log(page).getByText("kept one", { exact: true }).count()).toBe(1);
  }, 60_000);

  test("a server restart in the middle: what was written meanwhile is sent when it is back, in order", async () => {
    const { page } = await personTalkingToBob("restarter");
    await sendMessage(page, "before");
    await log(page).getByText("Sending…").waitFor({ state: "detached" });

    await e2e.stopServer();
    await page.getByRole("status").getByText("Reconnecting…").waitFor();
    await sendMessage(page, "during one");
    await sendMessage(page, "during two");
    await eventually(async () => (await log(page).locator(".message.pending").count()) === 2, "two pending", 20_000);

    await e2e.startServer();
    await eventually(async () => (await storedBodiesFrom(e2e.server, "restarter")).length === 3, "both stored", 30_000);
    expect(await storedBodiesFrom(e2e.server, "restarter")).toEqual(["before", "during one", "during two"]);
    await log(page).locator(".message.pending").first().waitFor({ state: "detached", timeout: 20_000 });
    expect(await notSent(page).count()).toBe(0);
    expect(await log(page).getByText("during two", { exact: true }).count()).toBe(1);
  }, 90_000);

  test("what is typed while a first message opens the new conversation moves into its message box", async () => {
    let sockets: Awaited<ReturnType<typeof socketSwitch>> | undefined;
    const { page } = await personTalkingToBob("drafter", async (page) => {
      sockets = await socketSwitch(page);
    });
    // The first message's answer (which opens the new conversation) waits for the test: the
    // message goes over HTTP (no socket), where its request is held.
    await sockets?.cut();
    const pattern = /\/trpc\/[^?]*history\.send/;
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route(pattern, async (route) => {
      await held;
      await route.continue();
    });
    const box = page.getByRole("textbox", { name: /^Message / });
    await box.fill("the first one");
    await box.press("Enter");
    await box.fill("typed meanwhile");
    const before = page.url();
    release();
    await page.waitForURL((url) => url.href !== before);
    await log(page).getByText("the first one").waitFor();
    await page.unroute(pattern);
    expect(await box.inputValue()).toBe("typed meanwhile");
    await box.press("Enter");
    await eventually(async () => (await storedBodiesFrom(e2e.server, "drafter")).length === 2, "both stored");
    expect(await storedBodiesFrom(e2e.server, "drafter")).toEqual(["the first one", "typed meanwhile"]);
  }, 60_000);
});
