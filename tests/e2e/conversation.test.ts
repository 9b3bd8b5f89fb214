// One conversation, as a person uses it: older messages load on scroll up without moving
// what is on screen, a send lost on the network is sent again by itself as one copy, the keyboard alone
// opens a conversation and sends (Shift+Enter for a new line), and a phone-sized window
// opens a conversation and goes back.
import { beforeAll, expect, test } from "bun:test";
import type { Route } from "playwright-core";
import { markRead, sendMessage as storeMessage } from "../../src/chat/messages.ts";
import { newPerson, type Person, sendMessage, signUpInBrowser, UI_TIMEOUT_MS } from "../helpers/browser.ts";
import { signUp, type TestUser } from "../helpers/client.ts";
import { eventually } from "../helpers/conversations.ts";
import { forEachDatabase } from "../helpers/databases.ts";
import { serverAndBrowser } from "../helpers/e2e.ts";

forEachDatabase(() => {
  const e2e = serverAndBrowser();
  let ada: Person;
  let bob: Person;
  let adaId = 0;
  let bobId = 0;
  let carol: TestUser;

  /** More than the first page (15): the rest loads when Ada scrolls up. */
  const SEEDED = 40;
  const seeded = (n: number) => `Seed ${String(n).padStart(2, "0")}`;
  /** Three lines each, so that the first page fills the window and nothing more loads by itself. */
  const seededBody = (n: number) => `${seeded(n)}\nsecond line\nthird line`;

  beforeAll(async () => {
    ada = await newPerson(e2e.browser, e2e.server.url);
    bob = await newPerson(e2e.browser, e2e.server.url);
    await signUpInBrowser(ada.page, { firstName: "Ada", lastName: "Lovelace", username: "ada" });
    await signUpInBrowser(bob.page, { firstName: "Bob", lastName: "Stone", username: "bob" });
    carol = await signUp(e2e.server.url, { username: "carol", firstName: "Carol", lastName: "Reed" });
    const ids = (await carol.trpc.users.list.query({ search: "" })).items;
    adaId = ids.find((u) => u.username === "ada")?.id ?? 0;
    bobId = ids.find((u) => u.username === "bob")?.id ?? 0;
    // Bob's history with Ada, written server-side (one per second of the same day).
    let last = { id: 0, conversationId: 0 };
    for (let n = 1; n <= SEEDED; n += 1) {
      last = await storeMessage(e2e.server.deps, bobId, { to: { userId: adaId }, body: seededBody(n) });
    }
    // Read already (on another device): the conversation opens at its latest page, not at a
    // first unread message.
    await markRead(e2e.server.deps, adaId, last.conversationId, last.id);
  }, 60_000);

  test("older messages load when scrolling up, and what was on screen stays in place", async () => {
    const { page } = ada;
    await page.getByRole("link", { name: /Bob Stone/ }).click();
    const log = page.getByRole("log", { name: "Messages with Bob Stone" });
    await log.getByText(seeded(SEEDED), { exact: false }).waitFor();
    // The latest page only: 15 messages, the oldest of them is Seed 26.
    const firstShown = log.getByText(seeded(SEEDED - 14), { exact: false });
    await firstShown.waitFor();
    expect(await log.getByText(seeded(SEEDED - 15), { exact: false }).count()).toBe(0);

    // Scroll to the top, and note where the oldest shown message is at that moment.
    const before = await firstShown.evaluate((element) => {
      const scroller = element.closest('[role="log"]') as HTMLElement;
      scroller.scrollTop = 0;
      return element.getBoundingClientRect().top;
    });
    await log.getByText(seeded(1), { exact: false }).waitFor({ state: "attached" });
    await log.getByText("This is the beginning of your conversation.").waitFor({ state: "attached" });
    await page.getByText("Loading messages…").waitFor({ state: "detached" });
    const after = await firstShown.evaluate((element) => element.getBoundingClientRect().top);
    expect(Math.abs(after - before)).toBeLessThanOrEqual(2);
    // Every message once.
    for (let n = 1; n <= SEEDED; n += 1) {
      expect(await log.getByText(seeded(n), { exact: false }).count()).toBe(1);
    }
    expect(ada.errors).toEqual([]);
  }, 30_000);

  /** Frames the server sends to Ada's socket that this picks are lost on the way. */
  let lostOnAdasSocket: ((frame: string) => boolean) | null = null;

  test("a send lost on the network is sent again by itself, never red, seen once on both sides", async () => {
    const { page } = ada;
    await bob.page.getByRole("link", { name: /Ada Lovelace/ }).click();
    const bobLog = bob.page.getByRole("log", { name: "Messages with Ada Lovelace" });
    await bobLog.getByText(seeded(SEEDED), { exact: false }).waitFor();

    // The network loses Ada's send once, before it reaches the server: on her socket, which
    // carries her sends while it is open (the app then sends it over HTTP).
    let dropped = 0;
    await page.routeWebSocket(/\/ws$/, (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((frame) => {
        if (dropped === 0 && typeof frame === "string" && frame.includes('"type":"send"')) dropped += 1;
        else server.send(frame);
      });
      server.onMessage((frame) => {
        if (lostOnAdasSocket && typeof frame === "string" && lostOnAdasSocket(frame)) return;
        ws.send(frame);
      });
    });
    await page.reload();

    const log = page.getByRole("log", { name: "Messages with Bob Stone" });
    await log.getByText(seeded(SEEDED), { exact: false }).waitFor();
    await sendMessage(page, "This one has to travel twice");
    await bobLog.getByText("This one has to travel twice", { exact: true }).waitFor();
    expect(dropped).toBe(1);
    await log.getByText("Sending…").waitFor({ state: "detached" });
    expect(await log.getByRole("alert").filter({ hasText: "Not sent" }).count()).toBe(0);
    await bobLog.getByText("This one has to travel twice", { exact: true }).waitFor();
    expect(await log.getByText("This one has to travel twice", { exact: true }).count()).toBe(1);
    expect(await bobLog.getByText("This one has to travel twice", { exact: true }).count()).toBe(1);
  }, 30_000);

  test("an answer lost after the server stored the message: the outbox's retry stores no second copy (same clientId)", async () => {
    const { page } = ada;
    const body = "Stored, answer lost";
    // Ada's socket does not pass on her own copy of the message nor its ack, and her send
    // request (after the ack's wait) reaches the server but its answer never comes back: for
    // her app, the send failed twice. Bob's read receipts are lost too: each moves the
    // conversation's change stream, and the gap before it would bring Ada the stored copy
    // in a catch-up, which settles the send without the retry this test is about.
    lostOnAdasSocket = (frame) => frame.includes(body) || frame.includes('"type":"read"');
    const log = page.getByRole("log", { name: "Messages with Bob Stone" });
    await log.getByText("This one has to travel twice", { exact: true }).waitFor();
    const pattern = /\/trpc\/[^?]*history\.send/;
    let lost = 0;
    const loseAnswer = async (route: Route) => {
      if (lost === 0) {
        lost += 1;
        await route.fetch();
        await route.abort("connectionreset");
      } else await route.continue();
    };
    await page.route(pattern, loseAnswer);

    const bobLog = bob.page.getByRole("log", { name: "Messages with Ada Lovelace" });
    await sendMessage(page, body);
    await bobLog.getByText(body, { exact: true }).waitFor();
    // The ack's wait, then the request whose answer is lost.
    await eventually(() => lost === 1, "the send request's answer lost", 20_000);
    // The outbox sends it again after its wait, and hears of the first message.
    const outboxEmpty = () =>
      page.evaluate(() =>
        Object.keys(localStorage)
          .filter((key) => key.startsWith("parley:outbox:"))
          .every((key) => JSON.parse(localStorage.getItem(key) ?? "[]").length === 0),
      );
    await eventually(
      async () => (await outboxEmpty()) && (await log.getByText(body, { exact: true }).count()) === 1,
      "the outbox empty, the message shown once",
      20_000,
    );
    await page.unroute(pattern, loseAnswer);

    // A last message from Bob: once both see it, everything sent before it has arrived.
    await sendMessage(bob.page, "Got it");
    await log.getByText("Got it", { exact: true }).waitFor();
    await bobLog.getByText("Got it", { exact: true }).waitFor();
    expect(lost).toBe(1);
    expect(await log.getByText(body, { exact: true }).count()).toBe(1);
    expect(await bobLog.getByText(body, { exact: true }).count()).toBe(1);
  }, 30_000);

  test("the keyboard alone opens a conversation and sends; Shift+Enter adds a line", async () => {
    const { page } = bob;
    await page.goto("/");
    await page.getByRole("heading", { name: "Conversations" }).waitFor();
    const conversation = page.getByRole("link", { name: /Ada Lovelace/ });
    let reached = false;
    for (let presses = 0; presses < 30 && !reached; presses += 1) {
      await page.keyboard.press("Tab");
      reached = await conversation.evaluate((element) => element === document.activeElement);
    }
    expect(reached).toBe(true);
    // The focus is visible.
    expect(await conversation.evaluate((element) => getComputedStyle(element).outlineStyle)).not.toBe("none");
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Ada Lovelace", level: 1 }).waitFor();

    const box = page.getByRole("textbox", { name: "Message Ada Lovelace" });
    await page.waitForFunction(() => document.activeElement?.getAttribute("id") === "composer-input", undefined, {
      timeout: UI_TIMEOUT_MS,
    });
    await page.keyboard.type("Typed with keys");
    await page.keyboard.press("Shift+Enter");
    await page.keyboard.type("and a new line");
    expect(await box.inputValue()).toBe("Typed with keys\nand a new line");
    await page.keyboard.press("Enter");

    const bubble = ada.page
      .getByRole("log", { name: "Messages with Bob Stone" })
      .getByText("Typed with keys", { exact: false });
    await bubble.waitFor();
    // As shown: the line break is a <br> of the rendered Markdown, which textContent skips.
    expect(await bubble.innerText()).toBe("Typed with keys\nand a new line");
    expect(await box.inputValue()).toBe("");
    await page.getByRole("log").getByText("Sending…").waitFor({ state: "detached" });
    expect(bob.errors).toEqual([]);
  }, 30_000);

  test("on a phone-sized screen a conversation opens full width and Back returns to the list", async () => {
    const phone = await newPerson(e2e.browser, e2e.server.url, { viewport: { width: 390, height: 844 } });
    await phone.page.goto("/login");
    await phone.page.getByLabel("Username").fill("carol");
    await phone.page.getByLabel("Password").fill(carol.password);
    await phone.page.getByRole("button", { name: "Log in" }).click();
    await phone.page.getByRole("heading", { name: "Conversations" }).waitFor();
    await storeMessage(e2e.server.deps, carol.user.id, { to: { userId: adaId }, body: "Hello from a phone" });
    const link = phone.page.getByRole("link", { name: /Ada Lovelace/ });
    await link.click();

    const heading = phone.page.getByRole("heading", { name: "Ada Lovelace", level: 1 });
    await heading.waitFor();
    await phone.page.getByRole("log").getByText("Hello from a phone").waitFor();
    // One pane at a time: the list is out of sight, the conversation fills the width.
    await phone.page.getByRole("heading", { name: "Conversations" }).waitFor({ state: "hidden" });
    const box = await phone.page.getByRole("log").boundingBox();
    expect(box?.width ?? 0).toBeGreaterThan(350);
    expect(await phone.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

    await phone.page.getByRole("link", { name: "Back to conversations" }).click();
    await phone.page.getByRole("heading", { name: "Conversations" }).waitFor();
    await heading.waitFor({ state: "detached" });
    expect(phone.errors).toEqual([]);
    await phone.context.close();
  }, 30_000);
});
