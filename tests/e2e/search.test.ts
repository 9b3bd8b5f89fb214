// Finding old messages in Chromium: Ctrl+K searches messages and jumps to people and
// conversations by keyboard alone; a result (or a message link, /c/:id/m/:messageId) opens
// the conversation at that message however far back it lies, highlighted; an outsider's
// messages never appear, and an outsider who opens a link sees that it does not exist.
import { beforeAll, expect, test } from "bun:test";
import { newPerson, type Person, signUpInBrowser } from "../helpers/browser.ts";
import { signUp, type TestUser } from "../helpers/client.ts";
import { insertMessage } from "../helpers/conversations.ts";
import { forEachDatabase } from "../helpers/databases.ts";
import { serverAndBrowser } from "../helpers/e2e.ts";

forEachDatabase(() => {
  const e2e = serverAndBrowser();
  let ada: Person;
  let adaId = 0;
  let bob: TestUser;
  let outsider: TestUser;
  let roomId = 0;
  let oldMessageId = 0;

  beforeAll(async () => {
    ada = await newPerson(e2e.browser, e2e.server.url);
    await signUpInBrowser(ada.page, { firstName: "Ada", lastName: "Lovelace", username: "ada" });
    bob = await signUp(e2e.server.url, { username: "bob", firstName: "Bob", lastName: "Stone" });
    outsider = await signUp(e2e.server.url, { username: "olga", firstName: "Olga", lastName: "Outside" });
    adaId = (await bob.trpc.users.list.query({ search: "ada" })).items[0]?.id ?? 0;
    roomId = (await bob.trpc.rooms.create.mutate({ name: "Archive" })).id;
    oldMessageId = (await insertMessage(e2e.server, bob.user.id, roomId, "The quarterly budget spreadsheet is ready"))
      .id;
    // Far more than the first pages hold, so that the link must reach back.
    for (let i = 0; i < 450; i++) await insertMessage(e2e.server, bob.user.id, roomId, `filler message ${i}`);
    await joinAs(ada, roomId);
  }, 120_000);

  /** Joins the room through the page's own session, as the rooms browser would. */
  async function joinAs(person: Person, id: number) {
    const answer = await person.page.request.post("/trpc/rooms.join", {
      data: { id },
      headers: { origin: e2e.server.url, "content-type": "application/json" },
    });
    expect(answer.status()).toBe(200);
  }

  test("a message link opens the conversation at that message, beyond the loaded pages, highlighted", async () => {
    const { page } = ada;
    await page.goto(`/c/${roomId}/m/${oldMessageId}`);
    const row = page.locator(`.message[data-message-id="${oldMessageId}"]`);
    await row.waitFor();
    await page.locator(".message.focused").getByText("The quarterly budget spreadsheet is ready").waitFor();
    expect(await row.isVisible()).toBe(true);
    expect(await row.evaluate((element) => element.classList.contains("focused"))).toBe(true);
    // The thread is still one run up to the latest: the newest filler is held too.
    await page.getByRole("button", { name: /Jump to latest/ }).click();
    await page.getByRole("log").getByText("filler message 449").waitFor();
    expect(ada.errors).toEqual([]);
  });

  test("a link to a message of another conversation says it is not here", async () => {
    const { page } = ada;
    const direct = await bob.trpc.history.send.mutate({ to: { userId: adaId }, body: "just us" });
    await page.goto(`/c/${roomId}/m/${direct.id}`);
    await page.getByRole("status").getByText("That message is not in this conversation any more.").waitFor();
  });

  test("an outsider opening the link sees that the conversation does not exist", async () => {
    const olga = await newPerson(e2e.browser, e2e.server.url);
    await olga.page.goto("/login");
    await olga.page.getByLabel("Username").fill(outsider.user.username);
    await olga.page.getByLabel("Password").fill(outsider.password);
    await olga.page.getByRole("button", { name: "Log in" }).click();
    await olga.page.getByRole("heading", { name: "Conversations" }).waitFor();
    await olga.page.goto(`/c/${roomId}/m/${oldMessageId}`);
    await olga.page.getByText("This conversation does not exist.").waitFor();
    expect(await olga.page.getByText("quarterly budget").count()).toBe(0);
    await olga.context.close();
  });

  test("Ctrl+K, words, ↓ and Enter: the result opens at its message, far beyond the loaded pages", async () => {
    const { page } = ada;
    await page.goto("/");
    await page.getByRole("heading", { name: "Conversations" }).waitFor();
    await page.keyboard.press("Control+k");
    const dialog = page.getByRole("dialog", { name: "Search" });
    const box = dialog.getByRole("combobox", { name: "Search messages, people and conversations" });
    await box.waitFor();
    expect(await box.evaluate((element) => element === document.activeElement)).toBe(true);
    await page.keyboard.type("budgets");
    const results = dialog.getByRole("listbox");
    // Stemming: "budgets" finds "budget", highlighted as a <mark> around text.
    await results.locator("mark", { hasText: "budget" }).waitFor();
    const options = results.getByRole("option");
    expect(await options.count()).toBe(1);
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowUp");
    expect(await options.first().getAttribute("aria-selected")).toBe("true");
    await page.keyboard.press("Enter");
    await page.waitForURL(`**/c/${roomId}/m/${oldMessageId}`);
    expect(await dialog.isVisible()).toBe(false);
    await page.locator(".message.focused").getByText("The quarterly budget spreadsheet is ready").waitFor();
    expect(ada.errors).toEqual([]);
  });

  test("more results load on demand, and Esc closes the box", async () => {
    const { page } = ada;
    await page.keyboard.press("Control+k");
    const dialog = page.getByRole("dialog", { name: "Search" });
    await page.keyboard.press("Control+a");
    await page.keyboard.type("filler");
    const results = dialog.getByRole("listbox");
    const more = results.getByRole("option", { name: "Load more results" });
    await more.waitFor();
    const hits = results.locator(".search-hit");
    expect(await hits.count()).toBe(20);
    await more.click();
    await page.waitForFunction(() => document.querySelectorAll(".search-hit").length === 40);
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
  });

  test("the quick switcher jumps to a person and to a room by keyboard alone", async () => {
    const { page } = ada;
    const dialog = page.getByRole("dialog", { name: "Search" });
    await page.keyboard.press("Control+k");
    await page.keyboard.press("Control+a");
    await page.keyboard.type("bob st");
    await dialog.getByRole("listbox").getByRole("option", { name: "Bob Stone Direct message" }).waitFor();
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Bob Stone", level: 1 }).waitFor();

    await page.keyboard.press("Control+k");
    await page.keyboard.press("Control+a");
    await page.keyboard.type("archi");
    await dialog
      .getByRole("listbox")
      .getByRole("option", { name: /Archive/ })
      .waitFor();
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Archive", level: 1 }).waitFor();
    expect(page.url()).toEndWith(`/c/${roomId}`);
  });

  test("an outsider's messages never appear, whatever the words", async () => {
    const secretRoom = (await outsider.trpc.rooms.create.mutate({ name: "Hidden budget" })).id;
    await outsider.trpc.history.send.mutate({ to: { conversationId: secretRoom }, body: "quarterly budget secret" });
    const { page } = ada;
    await page.keyboard.press("Control+k");
    await page.keyboard.press("Control+a");
    await page.keyboard.type('"quarterly budget"');
    const results = page.getByRole("dialog", { name: "Search" }).getByRole("listbox");
    await results.locator("mark").first().waitFor();
    expect(await results.locator(".search-hit").count()).toBe(1);
    expect(await results.getByText("secret").count()).toBe(0);
    expect(await results.getByText("Hidden budget").count()).toBe(0);
    await page.keyboard.press("Escape");
  });

  test("the search dialog is not in the start-up JavaScript: fetched when the pointer reaches the button, then opened", async () => {
    const person = await newPerson(e2e.browser, e2e.server.url);
    const { page } = person;
    const fetched: string[] = [];
    page.on("request", (request) => {
      if (/\/assets\/SearchDialog-[^/]+\.js$/.test(request.url())) fetched.push(request.url());
    });
    await signUpInBrowser(page, { firstName: "Hugo", lastName: "Hover", username: "hugo" });
    await page.getByRole("heading", { name: "Conversations" }).waitFor();
    expect(fetched).toEqual([]);
    const button = page.getByRole("button", { name: /^Search/ });
    const preload = page.waitForRequest(/\/assets\/SearchDialog-[^/]+\.js$/);
    await button.hover();
    await preload;
    expect(await page.getByRole("dialog", { name: "Search" }).isVisible()).toBe(false);
    await button.click();
    const box = page
      .getByRole("dialog", { name: "Search" })
      .getByRole("combobox", { name: "Search messages, people and conversations" });
    await box.waitFor();
    expect(await box.evaluate((element) => element === document.activeElement)).toBe(true);
    expect(fetched).toHaveLength(1);
    expect(person.errors).toEqual([]);
    await page.close();
  });
});
